import Foundation

/// A column as the database describes it (`describeTable`).
public struct ColumnDescription: Sendable, Hashable, CustomStringConvertible {
    /// The column's name.
    public var name: String
    /// The type as the database names it, lowercased, e.g. `character varying(255)`.
    public var dataType: String
    /// The ``ColumnType`` the native type corresponds to, when there is one.
    public var type: ColumnType?
    /// Whether the column accepts `NULL`.
    public var isNullable: Bool
    /// The default, normalised across dialects: literals without casts or quotes, and every
    /// spelling of the current time as ``ColumnDefault/currentTimestamp``.
    public var defaultValue: ColumnDefault?
    /// Whether the column is part of the primary key.
    public var isPrimaryKey: Bool

    /// Creates a description.
    public init(name: String, dataType: String, type: ColumnType?, isNullable: Bool, defaultValue: ColumnDefault?, isPrimaryKey: Bool) {
        self.name = name
        self.dataType = dataType
        self.type = type
        self.isNullable = isNullable
        self.defaultValue = defaultValue
        self.isPrimaryKey = isPrimaryKey
    }

    /// `name type [not null] [default ...] [primary key]`.
    public var description: String {
        var text = "\(name) \(type.map { "\($0)" } ?? dataType)"
        if !isNullable { text += " not null" }
        if let defaultValue { text += " default \(defaultValue)" }
        if isPrimaryKey { text += " primary key" }
        return text
    }
}

/// An index as the database describes it (`indexes(of:)`). Primary keys are not listed.
public struct IndexDescription: Sendable, Hashable, CustomStringConvertible {
    /// The index's name.
    public var name: String
    /// The indexed columns, in order.
    public var columns: [String]
    /// Whether the index enforces uniqueness.
    public var isUnique: Bool

    /// Creates a description.
    public init(name: String, columns: [String], isUnique: Bool) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
    }

    /// `name (a, b) [unique]`.
    public var description: String {
        "\(name) (\(columns.joined(separator: ", ")))\(isUnique ? " unique" : "")"
    }
}

extension ColumnDefault {
    /// A default as a database reports it, normalised: `CURRENT_TIMESTAMP` becomes
    /// ``currentTimestamp``; a quoted literal loses its quotes; numbers become numbers (as
    /// doubles for fractional types, as booleans for `bool`); `NULL` is no default; anything
    /// else is an ``expression(_:)``. Each dialect first rewrites its own spellings (casts,
    /// `now()`, `current_timestamp(6)`) into these.
    public static func normalized(_ reported: String?, type: ColumnType?) -> ColumnDefault? {
        guard let text = reported?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let lowered = text.lowercased()
        if lowered == "null" { return nil }
        // `DEFAULT (0)` is `DEFAULT 0` (SQLite keeps the parentheses as written).
        if text.count >= 2, text.hasPrefix("("), text.hasSuffix(")"), isBalanced(text.dropFirst().dropLast()) {
            return normalized(String(text.dropFirst().dropLast()), type: type)
        }
        if lowered == "current_timestamp" { return .currentTimestamp }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            let literal = String(text.dropFirst().dropLast()).replacing("''", with: "'")
            return type == .bool ? boolean(literal) ?? .string(literal) : .string(literal)
        }
        if type == .bool, let value = boolean(text) { return value }
        if let type, type.isFractional, let number = Double(text) { return .double(number) }
        if let integer = Int64(text) { return .integer(integer) }
        if let double = Double(text) { return .double(double) }
        return .expression(text)
    }

    /// Whether the parentheses of `text` (outside quotes) pair up.
    private static func isBalanced(_ text: Substring) -> Bool {
        var depth = 0
        var inQuote = false
        for character in text {
            if character == "'" { inQuote.toggle() }
            guard !inQuote else { continue }
            if character == "(" { depth += 1 }
            if character == ")" {
                depth -= 1
                if depth < 0 { return false }
            }
        }
        return depth == 0
    }

    private static func boolean(_ text: String) -> ColumnDefault? {
        switch text.lowercased() {
        case "true", "1", "t": .bool(true)
        case "false", "0", "f": .bool(false)
        default: nil
        }
    }
}

extension IndexDescription {
    /// Indexes from rows of `name`, `is_unique` and `column_name`, one row per indexed
    /// column, ordered by index name then column position.
    public static func grouping(_ rows: [DatabaseRow]) -> [IndexDescription] {
        var indexes: [IndexDescription] = []
        for row in rows {
            guard let name = row["name"].text, let column = row["column_name"].text else { continue }
            if indexes.last?.name == name {
                indexes[indexes.count - 1].columns.append(column)
            } else {
                indexes.append(IndexDescription(name: name, columns: [column], isUnique: row["is_unique"].integer == 1))
            }
        }
        return indexes
    }
}

extension ColumnType {
    /// Whether values of the type have a fractional part (decimal, float, double).
    var isFractional: Bool {
        switch self {
        case .decimal, .float, .double: true
        default: false
        }
    }
}
