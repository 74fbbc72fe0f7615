/// A table for ``Schema/createTable(_:ifNotExists:file:line:_:)``: its columns and its
/// table-wide constraints, built with ``TableContentBuilder``.
public struct TableDefinition: Sendable, Hashable, Codable {
    /// The table's name.
    public var name: String
    /// The columns, in order.
    public var columns: [Column] = []
    /// The columns of a composite primary key, from ``PrimaryKey``.
    public var primaryKey: [String]?
    /// Foreign keys over one or more columns, from ``ForeignKey`` and ``Column/references(_:column:onDelete:onUpdate:)``.
    public var foreignKeys: [ForeignKey] = []
    /// Check constraints, from ``Check``.
    public var checks: [Check] = []
    /// Unique indexes, from ``Unique`` and ``Column/unique()``.
    public var uniqueIndexes: [Index] = []

    /// An empty definition of table `name`.
    public init(name: String) {
        self.name = name
    }

    /// The columns of the primary key, whether declared on a column or with ``PrimaryKey``.
    public var primaryKeyColumns: [String] {
        primaryKey ?? columns.filter(\.isPrimaryKey).map(\.name)
    }

    /// Every foreign key: those declared on columns, then the table-wide ones.
    public var allForeignKeys: [ForeignKey] {
        columns.compactMap { column in column.reference.map { ForeignKey(table: name, column: column.name, $0) } } + foreignKeys
    }

    /// Every unique index: those declared on columns, then the table-wide ones.
    public var allUniqueIndexes: [Index] {
        columns.filter(\.isUnique).map { Index(table: name, columns: [$0.name], isUnique: true) } + uniqueIndexes
    }
}

/// Something that goes inside a `createTable` body: a column, or a table-wide constraint.
public protocol TableElement: Sendable {
    /// Adds the element to `table`.
    func add(to table: inout TableDefinition)
}

extension Column: TableElement {
    /// Appends the column.
    public func add(to table: inout TableDefinition) { table.columns.append(self) }
}

/// A primary key over several columns.
public struct PrimaryKey: TableElement {
    /// The key's columns, in order.
    public var columns: [String]
    /// A primary key over `columns`.
    public init(_ columns: String...) { self.columns = columns }
    /// Sets the table's primary key.
    public func add(to table: inout TableDefinition) { table.primaryKey = columns }
}

/// A unique index over several columns, named `<table>_<columns>_key` unless named.
public struct Unique: TableElement {
    /// The indexed columns.
    public var columns: [String]
    /// The index's name, or `nil` for the default.
    public var name: String?
    /// A unique index over `columns`.
    public init(_ columns: String..., name: String? = nil) {
        self.columns = columns
        self.name = name
    }
    /// Adds the index.
    public func add(to table: inout TableDefinition) {
        table.uniqueIndexes.append(Index(table: table.name, columns: columns, name: name, isUnique: true))
    }
}

/// A check constraint with a name, so it can be removed later.
public struct Check: TableElement, Hashable, Codable {
    /// The constraint's name.
    public var name: String
    /// The condition, in SQL, e.g. `length(title) > 0`.
    public var expression: String
    /// A check called `name` requiring `expression`.
    public init(_ name: String, _ expression: String) {
        self.name = name
        self.expression = expression
    }
    /// Adds the check.
    public func add(to table: inout TableDefinition) { table.checks.append(self) }
}

/// A foreign key over one or more columns, named `<table>_<columns>_fkey` unless named.
public struct ForeignKey: TableElement, Hashable, Codable {
    /// The constraint's name.
    public var name: String?
    /// The referencing columns.
    public var columns: [String]
    /// The referenced table.
    public var referencedTable: String
    /// The referenced columns.
    public var referencedColumns: [String]
    /// What happens when the referenced row is deleted.
    public var onDelete: ReferentialAction?
    /// What happens when the referenced key changes.
    public var onUpdate: ReferentialAction?

    /// A foreign key from `columns` to `referencedColumns` of `referencedTable`.
    public init(
        _ columns: [String], references referencedTable: String, _ referencedColumns: [String] = ["id"],
        onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil, name: String? = nil
    ) {
        self.name = name
        self.columns = columns
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
    }

    init(table: String, column: String, _ reference: ColumnReference) {
        self.init([column], references: reference.table, [reference.column], onDelete: reference.onDelete, onUpdate: reference.onUpdate)
    }

    /// The constraint's name on `table`: the given one, or `<table>_<columns>_fkey`.
    public func constraintName(on table: String) -> String {
        name ?? SchemaNaming.name(table, columns, suffix: "fkey")
    }

    /// Adds the foreign key.
    public func add(to table: inout TableDefinition) { table.foreignKeys.append(self) }
}

/// Builds the content of a `createTable` body from columns and constraints.
@resultBuilder
public enum TableContentBuilder {
    /// One element.
    public static func buildExpression(_ element: some TableElement) -> [any TableElement] { [element] }
    /// Several columns, such as ``Column/timestamps()``.
    public static func buildExpression(_ columns: [Column]) -> [any TableElement] { columns }
    /// The elements of a block, in order.
    public static func buildBlock(_ parts: [any TableElement]...) -> [any TableElement] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    public static func buildOptional(_ part: [any TableElement]?) -> [any TableElement] { part ?? [] }
    /// The first branch of an `if`/`else`.
    public static func buildEither(first part: [any TableElement]) -> [any TableElement] { part }
    /// The second branch of an `if`/`else`.
    public static func buildEither(second part: [any TableElement]) -> [any TableElement] { part }
    /// A `for` loop.
    public static func buildArray(_ parts: [[any TableElement]]) -> [any TableElement] { parts.flatMap { $0 } }
}
