/// The Swift counterpart of Sequelize's `queryInterface`: what a ``Migration`` changes the
/// database with. Every operation is rendered for the dialect in use — enum types on
/// PostgreSQL, table rebuilds on SQLite — so migrations hold no dialect checks.
///
/// `ifNotExists` and `ifExists` skip the whole operation (its indexes and constraints too)
/// when the object already exists or is already gone, which replaces the seed's
/// hand-written existence checks. Each operation records where it was called, so an error
/// names the migration's file and line.
public struct Schema: Sendable {
    let backend: any SchemaBackend

    init(_ backend: any SchemaBackend) {
        self.backend = backend
    }

    /// The dialect's name, e.g. `postgres`, for the rare migration that must differ.
    public var dialectName: String { backend.dialectName }

    // MARK: Tables

    /// Creates table `name` with the columns and constraints listed in `content`.
    public func createTable(
        _ name: String, ifNotExists: Bool = false, file: String = #fileID, line: Int = #line,
        @TableContentBuilder _ content: () -> [any TableElement]
    ) async throws {
        var table = TableDefinition(name: name)
        for element in content() { element.add(to: &table) }
        try await backend.apply(.createTable(table, ifNotExists: ifNotExists), file: file, line: line)
    }

    /// Drops table `name`, and on PostgreSQL the enum types only its columns used.
    public func dropTable(_ name: String, ifExists: Bool = false, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.dropTable(name, ifExists: ifExists), file: file, line: line)
    }

    /// Renames table `name` to `newName`.
    public func renameTable(_ name: String, to newName: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.renameTable(name, to: newName), file: file, line: line)
    }

    // MARK: Columns

    /// Adds `column` to `table`, with its foreign key and unique index if it has them.
    public func addColumn(_ column: Column, to table: String, ifNotExists: Bool = false, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.addColumn(column, table: table, ifNotExists: ifNotExists), file: file, line: line)
    }

    /// Removes `column` from `table` with its indexes and foreign keys, and on PostgreSQL
    /// its enum type when nothing else uses it.
    public func removeColumn(_ column: String, from table: String, ifExists: Bool = false, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.removeColumn(column, table: table, ifExists: ifExists), file: file, line: line)
    }

    /// Renames `column` of `table` to `newName`.
    public func renameColumn(_ column: String, to newName: String, in table: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.renameColumn(column, to: newName, table: table), file: file, line: line)
    }

    /// Gives the column named `column.name` of `table` the type, nullability and default of
    /// `column` (its uniqueness and foreign key are changed with indexes and constraints).
    public func changeColumn(_ column: Column, in table: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.changeColumn(column, table: table), file: file, line: line)
    }

    /// Adds `value` to the values the enumeration column `column` of `table` accepts.
    public func addEnumValue(_ value: String, to column: String, in table: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.addEnumValue(value, column: column, table: table), file: file, line: line)
    }

    // MARK: Indexes

    /// Indexes `columns` of `table`; the name defaults to `<table>_<columns>_idx`
    /// (`_key` when unique). `predicate` makes a partial index where the dialect has them;
    /// `concurrently` builds it without locking writes on PostgreSQL, in a migration whose
    /// ``Migration/runsInTransaction`` is `false`.
    public func addIndex(
        on table: String, _ columns: [String], name: String? = nil, unique: Bool = false, where predicate: String? = nil,
        concurrently: Bool = false, ifNotExists: Bool = false, file: String = #fileID, line: Int = #line
    ) async throws {
        let index = Index(table: table, columns: columns, name: name, isUnique: unique, predicate: predicate)
        try await backend.apply(.addIndex(index, concurrently: concurrently, ifNotExists: ifNotExists), file: file, line: line)
    }

    /// Removes the index called `name` from `table`.
    public func removeIndex(
        _ name: String, on table: String, concurrently: Bool = false, ifExists: Bool = false, file: String = #fileID, line: Int = #line
    ) async throws {
        try await backend.apply(.removeIndex(name, table: table, concurrently: concurrently, ifExists: ifExists), file: file, line: line)
    }

    /// Removes the index ``addIndex(on:_:name:unique:where:concurrently:ifNotExists:file:line:)``
    /// created on `columns` under its default name.
    public func removeIndex(
        on table: String, _ columns: [String], unique: Bool = false, concurrently: Bool = false, ifExists: Bool = false,
        file: String = #fileID, line: Int = #line
    ) async throws {
        let name = Index(table: table, columns: columns, isUnique: unique).name
        try await removeIndex(name, on: table, concurrently: concurrently, ifExists: ifExists, file: file, line: line)
    }

    // MARK: Constraints

    /// Adds a foreign key to `table`, named `<table>_<columns>_fkey` unless `key` names it.
    public func addForeignKey(_ key: ForeignKey, to table: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.addForeignKey(key, table: table), file: file, line: line)
    }

    /// Removes the foreign key called `name` from `table`.
    public func removeForeignKey(_ name: String, from table: String, ifExists: Bool = false, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.removeForeignKey(name, table: table, ifExists: ifExists), file: file, line: line)
    }

    /// Adds a check constraint to `table`.
    public func addCheck(_ check: Check, to table: String, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.addCheck(check, table: table), file: file, line: line)
    }

    /// Removes the check constraint called `name` from `table`.
    public func removeCheck(_ name: String, from table: String, ifExists: Bool = false, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.removeCheck(name, table: table, ifExists: ifExists), file: file, line: line)
    }

    // MARK: Raw SQL

    /// Runs `sql`, with `\(bind: value)` sent as bind parameters and `\(identifier: name)` quoted.
    public func execute(_ sql: SQLText, file: String = #fileID, line: Int = #line) async throws {
        try await backend.apply(.sql(sql), file: file, line: line)
    }

    // MARK: Introspection

    /// The tables of the schema Strata works in, sorted, without Strata's own.
    public func tables() async throws -> [String] { try await backend.tables() }

    /// Whether table `name` exists.
    public func hasTable(_ name: String) async throws -> Bool { try await tables().contains(name) }

    /// The columns of `table`, in order: name, type, nullability, default, primary key.
    public func describeTable(_ table: String) async throws -> [ColumnDescription] { try await backend.columns(of: table) }

    /// Whether `table` has a column called `column`.
    public func hasColumn(_ column: String, in table: String) async throws -> Bool {
        try await describeTable(table).contains { $0.name == column }
    }

    /// The indexes of `table` except its primary key, sorted by name.
    public func indexes(of table: String) async throws -> [IndexDescription] { try await backend.indexes(of: table) }
}

/// Where a ``Schema``'s operations go: a database, or a recording.
protocol SchemaBackend: Sendable {
    var dialectName: String { get }
    func apply(_ change: SchemaChange, file: String, line: Int) async throws
    func tables() async throws -> [String]
    func columns(of table: String) async throws -> [ColumnDescription]
    func indexes(of table: String) async throws -> [IndexDescription]
}
