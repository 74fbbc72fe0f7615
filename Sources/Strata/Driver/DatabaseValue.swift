import Foundation

/// A value bound to, or read from, a database, in the few shapes Strata needs.
public enum DatabaseValue: Sendable, Hashable, Codable {
    /// SQL `NULL`.
    case null
    /// An integer.
    case integer(Int64)
    /// A floating-point number.
    case double(Double)
    /// Text.
    case text(String)
    /// A point in time; drivers store it in UTC in their native type (or ISO-8601 text).
    case timestamp(Date)

    /// The value as text, if it is text or a number.
    public var text: String? {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .null, .timestamp: nil
        }
    }

    /// The value as an integer, if it is one (or text holding one).
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): Int64(exactly: value.rounded())
        case .text(let text): Int64(text)
        case .null, .timestamp: nil
        }
    }

    /// The value as a date: a timestamp, or ISO-8601 text such as `2025-05-19T12:30:45.123Z`.
    public var date: Date? {
        switch self {
        case .timestamp(let date): return date
        case .text(let text): return ISO8601Timestamp.parse(text)
        case .null, .integer, .double: return nil
        }
    }
}

/// A row of a query result: column names and values, in select order.
public struct DatabaseRow: Sendable, Hashable {
    /// The columns in select order.
    public var columns: [(name: String, value: DatabaseValue)] {
        zip(names, values).map { ($0, $1) }
    }
    private let names: [String]
    private let values: [DatabaseValue]

    /// Creates a row from its columns.
    public init(_ columns: [(name: String, value: DatabaseValue)]) {
        self.names = columns.map(\.name)
        self.values = columns.map(\.value)
    }

    /// Creates a row from the column names of its result, which every row of the result
    /// shares (one array, not one per row), and its values in the same order. Values
    /// beyond the names are dropped; names beyond the values read as `.null`.
    public init(names: [String], values: [DatabaseValue]) {
        self.names = names.count <= values.count ? names : Array(names.prefix(values.count))
        self.values = values.count <= names.count ? values : Array(values.prefix(names.count))
    }

    /// The value of the first column called `name`, or `.null` if there is none.
    public subscript(_ name: String) -> DatabaseValue {
        guard let index = names.firstIndex(of: name) else { return .null }
        return values[index]
    }
}

/// ISO-8601 timestamps in UTC with milliseconds, as Strata writes them where a database has no
/// timestamp type.
public enum ISO8601Timestamp {
    /// `2025-05-19T12:30:45.123Z`, by arithmetic (Howard Hinnant's civil-from-days): a history
    /// of thousands of rows is printed without a date formatter per row.
    public static func format(_ date: Date) -> String {
        UTCDateTime(date, fractionDigits: 3).formatted(separator: "T", suffix: "Z")
    }

    /// Parses ISO-8601 text with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = parseUTC(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).parse(text) {
            return date
        }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }

    /// The fast path for the form Strata writes, `YYYY-MM-DDTHH:MM:SS[.fff…]Z`: reading a
    /// history of thousands of rows is then arithmetic, not a date formatter per row.
    private static func parseUTC(_ text: String) -> Date? {
        guard text.utf8.last == UInt8(ascii: "Z") else { return nil }
        return UTCDateTime(parsing: text)?.date
    }
}
