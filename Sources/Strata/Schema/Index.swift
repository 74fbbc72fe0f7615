/// An index for ``Schema/addIndex(on:_:name:unique:where:concurrently:ifNotExists:file:line:)``.
public struct Index: Sendable, Hashable, Codable {
    /// The indexed table.
    public var table: String
    /// The indexed columns, in order.
    public var columns: [String]
    /// The index's name: given, or `<table>_<columns>_idx` (`_key` when unique).
    public var name: String
    /// Whether the index enforces uniqueness.
    public var isUnique: Bool
    /// A condition restricting the index to some rows (a partial index), in SQL.
    public var predicate: String?

    /// An index on `columns` of `table`.
    public init(table: String, columns: [String], name: String? = nil, isUnique: Bool = false, predicate: String? = nil) {
        self.table = table
        self.columns = columns
        self.name = name ?? SchemaNaming.name(table, columns, suffix: isUnique ? "key" : "idx")
        self.isUnique = isUnique
        self.predicate = predicate
    }
}

/// The names Strata gives the indexes and constraints it creates, as PostgreSQL would:
/// `<table>_<columns>_<suffix>`, shortened with a hash when longer than every supported
/// database allows (63 characters).
public enum SchemaNaming {
    /// The longest identifier every supported database accepts.
    public static let maximumLength = 63

    /// `<table>_<columns>_<suffix>`, at most ``maximumLength`` characters.
    public static func name(_ table: String, _ columns: [String], suffix: String) -> String {
        let full = ([table] + columns + [suffix]).joined(separator: "_")
        guard full.count > maximumLength else { return full }
        let hash = Checksum.sha256(full).prefix(8)
        return String(full.prefix(maximumLength - 9)) + "_" + hash
    }

    /// The PostgreSQL type of an enumeration column: `enum_<table>_<column>`, as Sequelize names it.
    public static func enumTypeName(table: String, column: String) -> String {
        let full = "enum_\(table)_\(column)"
        guard full.count > maximumLength else { return full }
        return String(full.prefix(maximumLength - 9)) + "_" + Checksum.sha256(full).prefix(8)
    }
}
