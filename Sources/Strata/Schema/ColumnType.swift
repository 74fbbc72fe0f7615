/// The type of a column created through the ``Schema`` API. Each dialect renders it as its
/// nearest native type, e.g. ``uuid`` is `uuid` on PostgreSQL and `CHAR(36)` on MySQL.
public enum ColumnType: Sendable, Hashable, Codable {
    /// A 32-bit integer.
    case integer
    /// A 64-bit integer.
    case bigint
    /// Text of at most `length` characters (`VARCHAR`).
    case string(length: Int)
    /// Text of any length.
    case text
    /// A boolean.
    case bool
    /// A calendar date.
    case date
    /// A date and time without a time zone.
    case datetime
    /// A point in time, stored with its time zone (or in UTC where the dialect has no zone).
    case timestampWithTimeZone
    /// An exact decimal number with `precision` digits, `scale` of them after the point.
    case decimal(precision: Int, scale: Int)
    /// A single-precision floating-point number.
    case float
    /// A double-precision floating-point number.
    case double
    /// A UUID.
    case uuid
    /// A JSON document.
    case json
    /// Binary data.
    case binary
    /// One of `values`. On PostgreSQL a type named `typeName` (by default
    /// `enum_<table>_<column>`, as Sequelize names it) is created with the column and dropped
    /// with it; MySQL uses an inline `ENUM`; SQLite a `CHECK` constraint.
    case enumeration(typeName: String?, values: [String])

    /// `VARCHAR(255)`.
    public static var string: ColumnType { .string(length: 255) }

    /// One of `values`, with the PostgreSQL type named `enum_<table>_<column>`.
    public static func `enum`(_ values: [String]) -> ColumnType { .enumeration(typeName: nil, values: values) }

    /// One of `values`, with the PostgreSQL type called `typeName`.
    public static func `enum`(_ values: [String], typeName: String) -> ColumnType {
        .enumeration(typeName: typeName, values: values)
    }

    /// The enumeration's values, if this is an enumeration.
    public var enumValues: [String]? {
        if case .enumeration(_, let values) = self { return values }
        return nil
    }
}
