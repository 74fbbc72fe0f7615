/// How a dialect turns ``SchemaChange``s into SQL and answers introspection: the part of
/// the ``Schema`` API each dialect module implements.
///
/// Most operations have a common rendering, ``SchemaSQL``, which draws every
/// dialect-specific piece (quoting, type names, literals, features) from the dialect; a
/// dialect overrides ``statements(for:in:)`` only where it differs, such as PostgreSQL's
/// enum types or SQLite's table rebuild.
public protocol SchemaDialect: Sendable {
    /// The dialect's quoting and placeholders.
    var sqlDialect: any SQLDialect { get }
    /// What the common rendering may use.
    var features: SchemaFeatures { get }

    /// The column's type as this dialect writes it in a column definition, e.g. `varchar(255)`.
    func typeName(of column: Column, table: String) -> String
    /// The definition of an auto-incrementing primary key column.
    func autoIncrementColumn(_ column: Column, table: String) -> String
    /// `text` as a SQL string literal.
    func stringLiteral(_ text: String) -> String
    /// The expression after `DEFAULT` for `value` on `column`.
    func defaultExpression(_ value: ColumnDefault, for column: Column) -> String

    /// The statements that make `change`, reading the database through `context` where the
    /// rendering depends on what exists. An empty list means there is nothing to do (an
    /// `ifNotExists` whose object exists).
    /// - Throws: ``StrataError`` naming the operation, the dialect and a workaround when the
    ///   dialect cannot make the change.
    func statements(for change: SchemaChange, in context: SchemaContext) async throws -> [SQLStatement]

    /// Whether a migration making `changes` must run with foreign keys checked only when it
    /// commits (``DatabaseConnection/beginTransactionDeferringForeignKeys()``).
    func defersForeignKeys(for changes: [SchemaChange]) -> Bool

    /// The tables of the schema Strata works in, sorted, without Strata's own.
    func tables(in database: any DatabaseConnection) async throws -> [String]
    /// The columns of `table`, in order; empty if there is no such table.
    func columns(of table: String, in database: any DatabaseConnection) async throws -> [ColumnDescription]
    /// The indexes of `table` except its primary key, sorted by name.
    func indexes(of table: String, in database: any DatabaseConnection) async throws -> [IndexDescription]
    /// The objects of the schema Strata works in beyond its tables, columns and indexes —
    /// constraints other than primary keys, views, triggers and, where the database has
    /// them, types, sequences and functions — each defined as the database renders it, for
    /// ``snapshot(in:)``. Strata's own tables and what belongs to them are left out.
    func catalogObjects(in database: any DatabaseConnection) async throws -> [SchemaSnapshot.Object]
    /// The statement that drops `object` of a snapshot, or `nil` for one that goes with its
    /// table (columns, indexes, constraints, triggers). The default renders
    /// ``SchemaSnapshot/Object/dropStatement(quoting:)``.
    func dropStatement(for object: SchemaSnapshot.Object) -> String?

    // Writing migrations from the declared schema (`strata generate --from-schema`), each
    // read from the database where the object is as the statements must leave it.

    /// The statements that create `object` as it is in `database`: a table with its columns,
    /// constraints and indexes; a view, trigger, type, sequence or function. Empty for an
    /// object that comes with another (a sequence a column owns).
    /// - Throws: ``StrataError`` when the dialect cannot write the object.
    func creationStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String]
    /// The statements that remove `object`, as it is in `database`. Empty for an object that
    /// goes with another. The default drops what ``dropStatement(for:)`` names, and a
    /// trigger with `DROP TRIGGER name`.
    func removalStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String]
    /// The statements that turn table `alteration.table`, as it is in `source`, into the
    /// table as it is in `target`.
    /// - Throws: ``StrataError`` when the dialect cannot make a change.
    func alterationStatements(
        for alteration: TableAlteration, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> TableAlterationStatements
    /// The statements that turn `old` (in `source`) into `new` (in `target`): a type, a
    /// sequence or a function defined differently. The default removes and creates.
    func replacementStatements(
        of old: SchemaSnapshot.Object, with new: SchemaSnapshot.Object, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> [String]
    /// The options of the section marker (`-- migrate:up OPTIONS`) of a written section made
    /// of `statements`: `foreign_keys:deferred` where it rebuilds a table. None by default.
    func sectionOptions(for statements: [String]) -> [String]
}

extension SchemaDialect {
    /// ``SchemaSnapshot/Object/dropStatement(quoting:)`` with the dialect's quoting.
    public func dropStatement(for object: SchemaSnapshot.Object) -> String? {
        object.dropStatement(quoting: sqlDialect.quoteIdentifier)
    }
}

extension SchemaDialect {
    /// Every object of the schema Strata works in, but Strata's own: tables with their
    /// columns and indexes (through ``tables(in:)``, ``columns(of:in:)`` and
    /// ``indexes(of:in:)``), and the dialect's ``catalogObjects(in:)``.
    public func snapshot(in database: any DatabaseConnection) async throws -> SchemaSnapshot {
        var objects: [SchemaSnapshot.Object] = []
        for table in try await tables(in: database) {
            objects.append(.init(.table, table))
            for column in try await columns(of: table, in: database) {
                var definition = column.dataType
                if !column.isNullable { definition += " not null" }
                if let value = column.defaultValue { definition += " default \(value)" }
                if column.isPrimaryKey { definition += " primary key" }
                if let generation = column.generation { definition += " \(generation)" }
                objects.append(.init(.column, "\(table).\(column.name)", definition))
            }
            for index in try await indexes(of: table, in: database) {
                let predicate = index.predicate.map { " where \($0)" } ?? ""
                objects.append(.init(.index, "\(table).\(index.name)", "\(index.isUnique ? "unique " : "")(\(index.columns.joined(separator: ", ")))\(predicate)"))
            }
        }
        return SchemaSnapshot(objects + (try await catalogObjects(in: database)))
    }
}

/// What a schema change is rendered against.
public struct SchemaContext: Sendable {
    /// The connection, for introspection.
    public var database: any DatabaseConnection
    /// Whether the migration runs in a transaction.
    public var inTransaction: Bool

    /// Creates a context.
    public init(database: any DatabaseConnection, inTransaction: Bool) {
        self.database = database
        self.inTransaction = inTransaction
    }
}

/// Optional SQL features the common rendering in ``SchemaSQL`` may use.
public struct SchemaFeatures: OptionSet, Sendable, Hashable {
    /// The raw value.
    public let rawValue: Int
    /// Creates features from a raw value.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `CREATE INDEX ... WHERE condition`.
    public static let partialIndexes = SchemaFeatures(rawValue: 1 << 0)
    /// `CREATE INDEX CONCURRENTLY` outside a transaction.
    public static let concurrentIndexes = SchemaFeatures(rawValue: 1 << 1)
    /// `ALTER TABLE ... ADD CONSTRAINT` / `DROP CONSTRAINT`.
    public static let alterTableConstraints = SchemaFeatures(rawValue: 1 << 2)
    /// `DROP INDEX name ON table` rather than `DROP INDEX name`.
    public static let dropIndexNamesTable = SchemaFeatures(rawValue: 1 << 3)
    /// Foreign keys are dropped with `DROP FOREIGN KEY` rather than `DROP CONSTRAINT`.
    public static let dropForeignKeyKeyword = SchemaFeatures(rawValue: 1 << 4)
}

extension SchemaDialect {
    /// Doubles single quotes: `'it''s'`.
    public func stringLiteral(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// Literals as literals, the current time as `CURRENT_TIMESTAMP`, expressions in parentheses.
    public func defaultExpression(_ value: ColumnDefault, for column: Column) -> String {
        switch value {
        case .string(let text): stringLiteral(text)
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "TRUE" : "FALSE"
        case .currentTimestamp: "CURRENT_TIMESTAMP"
        case .expression(let sql): "(\(sql))"
        }
    }

    /// No deferred foreign keys by default.
    public func defersForeignKeys(for changes: [SchemaChange]) -> Bool { false }

    /// The dialect's auto-increment primary key.
    public func autoIncrementColumn(_ column: Column, table: String) -> String {
        sqlDialect.autoIncrementPrimaryKey(named: column.name)
    }

    /// The common rendering.
    public func statements(for change: SchemaChange, in context: SchemaContext) async throws -> [SQLStatement] {
        try await commonStatements(for: change, in: context)
    }

    /// The common rendering, with `ifNotExists`/`ifExists` of tables and columns decided by
    /// introspection, so that the whole operation (its indexes and constraints too) is skipped.
    public func commonStatements(for change: SchemaChange, in context: SchemaContext) async throws -> [SQLStatement] {
        let database = context.database
        switch change {
        case .createTable(let table, true):
            if try await tables(in: database).contains(table.name) { return [] }
            return try SchemaSQL(self).statements(for: .createTable(table, ifNotExists: false))
        case .dropTable(let table, true):
            if try await !tables(in: database).contains(table) { return [] }
            return try SchemaSQL(self).statements(for: .dropTable(table, ifExists: false))
        case .addColumn(let column, let table, true):
            if try await columns(of: table, in: database).contains(where: { $0.name == column.name }) { return [] }
            return try SchemaSQL(self).statements(for: .addColumn(column, table: table, ifNotExists: false))
        case .removeColumn(let column, let table, true):
            if try await !columns(of: table, in: database).contains(where: { $0.name == column }) { return [] }
            return try SchemaSQL(self).statements(for: .removeColumn(column, table: table, ifExists: false))
        default:
            return try SchemaSQL(self).statements(for: change)
        }
    }
}

extension SchemaDialect {
    /// Column `column` of `table` as introspection describes it, for an operation that
    /// changes it.
    /// - Throws: ``StrataError`` naming the operation and the missing table or column.
    public func existingColumn(_ column: String, of table: String, in database: any DatabaseConnection, operation: String) async throws -> ColumnDescription {
        let columns = try await columns(of: table, in: database)
        if columns.isEmpty {
            throw StrataError.failure("\(operation): there is no table \(table).", hint: "Check the table's name with tables().")
        }
        guard let found = columns.first(where: { $0.name == column }) else {
            throw StrataError.failure("\(operation): table \(table) has no column \(column).", hint: "Check the column's name with describeTable.")
        }
        return found
    }

    /// The values of enumeration column `column` of `table`, for `addEnumValue`.
    /// - Throws: ``StrataError`` when the column is missing or not an enumeration.
    public func enumerationColumn(_ column: String, of table: String, in database: any DatabaseConnection) async throws -> (description: ColumnDescription, values: [String]) {
        let current = try await existingColumn(column, of: table, in: database, operation: "addEnumValue")
        guard let values = current.type?.enumValues else {
            throw StrataError.failure(
                "addEnumValue: column \(table).\(column) is not an enumeration (it is \(current.dataType)).",
                hint: "addEnumValue adds to columns created with .enum([...]); change other columns with changeColumn."
            )
        }
        return (current, values)
    }
}

extension StrataError {
    /// An operation the dialect cannot do: an error rather than a silently different schema.
    public static func unsupported(_ operation: String, dialect: String, workaround: String) -> StrataError {
        StrataError(.failure, "\(operation) is not supported on \(dialect).", hint: "Workaround: \(workaround)")
    }
}
