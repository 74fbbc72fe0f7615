/// A column for ``Schema/createTable(_:ifNotExists:file:line:_:)``,
/// ``Schema/addColumn(_:to:ifNotExists:file:line:)`` and ``Schema/changeColumn(_:in:file:line:)``.
///
/// Modifiers return a changed copy, so a column reads as one expression:
/// `Column("email", .string(255)).notNull().unique()`.
public struct Column: Sendable, Hashable, Codable {
    /// The column's name.
    public var name: String
    /// The column's type.
    public var type: ColumnType
    /// Whether the column accepts `NULL`; `true` unless ``notNull()`` is applied.
    public var isNullable: Bool = true
    /// The column's default value, if any.
    public var defaultValue: ColumnDefault?
    /// Whether a unique index covers the column alone.
    public var isUnique: Bool = false
    /// Whether the column alone is the table's primary key.
    public var isPrimaryKey: Bool = false
    /// Whether the database numbers new rows itself (only with ``isPrimaryKey``).
    public var isAutoIncrement: Bool = false
    /// The foreign key the column holds, if any.
    public var reference: ColumnReference?
    /// In a declared schema (``SchemaModel``): the column's name in the schema the migrations
    /// build, when it is renamed. Migrations ignore it.
    public var renamedFrom: String?

    /// A nullable column of `type` with no default.
    public init(_ name: String, _ type: ColumnType) {
        self.name = name
        self.type = type
    }

    /// The column refusing `NULL`.
    public func notNull() -> Column { with { $0.isNullable = false } }

    /// The column accepting `NULL` (the default).
    public func nullable() -> Column { with { $0.isNullable = true } }

    /// The column with a default value: a literal (`"active"`, `0`, `true`) or
    /// ``ColumnDefault/currentTimestamp``.
    public func defaults(to value: ColumnDefault) -> Column { with { $0.defaultValue = value } }

    /// The column covered by a unique index of its own.
    public func unique() -> Column { with { $0.isUnique = true } }

    /// The column as the table's primary key (implies not null).
    public func primaryKey() -> Column { with { $0.isPrimaryKey = true; $0.isNullable = false } }

    /// The column as a foreign key to `column` of `table`.
    public func references(
        _ table: String, column: String = "id", onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil
    ) -> Column {
        with { $0.reference = ColumnReference(table: table, column: column, onDelete: onDelete, onUpdate: onUpdate) }
    }

    /// In a declared schema (``SchemaModel``): the column was called `oldName` in the schema
    /// the migrations build, so `generate --from-schema` renames it instead of dropping one
    /// column and adding another.
    public func renamed(from oldName: String) -> Column { with { $0.renamedFrom = oldName } }

    /// An auto-incrementing integer primary key, `id` unless named otherwise.
    public static func id(_ name: String = "id", type: ColumnType = .integer) -> Column {
        Column(name, type).primaryKey().with { $0.isAutoIncrement = true }
    }

    /// `createdAt` and `updatedAt`, as Sequelize's models expect: not null, defaulting to
    /// the current time.
    public static func timestamps() -> [Column] {
        ["createdAt", "updatedAt"].map {
            Column($0, .timestampWithTimeZone).notNull().defaults(to: .currentTimestamp)
        }
    }

    private func with(_ change: (inout Column) -> Void) -> Column {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A column's default value.
public enum ColumnDefault: Sendable, Hashable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral
{
    /// A text literal.
    case string(String)
    /// An integer literal.
    case integer(Int64)
    /// A floating-point literal.
    case double(Double)
    /// A boolean literal.
    case bool(Bool)
    /// The time the row is inserted.
    case currentTimestamp
    /// A SQL expression, written for the dialect in use, e.g. `gen_random_uuid()`.
    case expression(String)

    /// A text literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// A boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

/// The target of a column's foreign key.
public struct ColumnReference: Sendable, Hashable, Codable {
    /// The referenced table.
    public var table: String
    /// The referenced column.
    public var column: String
    /// What happens to this row when the referenced row is deleted.
    public var onDelete: ReferentialAction?
    /// What happens to this row when the referenced key changes.
    public var onUpdate: ReferentialAction?

    /// Creates a reference.
    public init(table: String, column: String = "id", onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil) {
        self.table = table
        self.column = column
        self.onDelete = onDelete
        self.onUpdate = onUpdate
    }
}

/// What a foreign key does when the row it references is deleted or its key changes.
public enum ReferentialAction: String, Sendable, Hashable, Codable {
    /// Delete or update this row too.
    case cascade = "CASCADE"
    /// Refuse the change.
    case restrict = "RESTRICT"
    /// Set the foreign key to `NULL`.
    case setNull = "SET NULL"
    /// Set the foreign key to its default.
    case setDefault = "SET DEFAULT"
    /// Refuse the change at the end of the statement (the SQL default).
    case noAction = "NO ACTION"
}
