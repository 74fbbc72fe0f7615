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
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let millisecondOfDay = milliseconds - days * 86_400_000
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        let second = millisecondOfDay / 1000
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))T\(digits(second / 3600, 2)):\(digits(second / 60 % 60, 2)):"
            + "\(digits(second % 60, 2)).\(digits(millisecondOfDay % 1000, 3))Z"
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
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var fraction = 0.0
        if bytes[19] == UInt8(ascii: ".") {
            guard bytes.count > 21, let digits = number(20..<(bytes.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(bytes.count - 21))
        } else if bytes.count != 20 {
            return nil
        }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second) + fraction
        return Date(timeIntervalSince1970: seconds)
    }
}
