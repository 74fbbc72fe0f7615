import Foundation
import Strata

/// Client-side binding for the MySQL text protocol: each `?` outside strings, quoted
/// identifiers and comments is replaced by the next value as an escaped SQL literal.
enum MySQLLiterals {
    /// A bind count that does not match the placeholders.
    struct Mismatch: Error, CustomStringConvertible {
        let placeholders: Int
        let binds: Int
        var description: String { "the statement has \(placeholders) placeholders but \(binds) values were given" }
    }

    /// `sql` with its placeholders replaced by `literals`, in order.
    static func interpolate(_ sql: String, literals binds: [String]) throws -> String {
        guard !binds.isEmpty else { return sql }
        var output = ""
        var index = sql.startIndex
        var used = 0
        var quote: Character?
        while index < sql.endIndex {
            let character = sql[index]
            let next = sql.index(after: index)
            if let open = quote {
                output.append(character)
                if character == "\\", open != "`", next < sql.endIndex {
                    output.append(sql[next])
                    index = sql.index(after: next)
                    continue
                }
                if character == open { quote = nil }
                index = next
                continue
            }
            switch character {
            case "'", "\"", "`":
                quote = character
                output.append(character)
            case "?":
                guard used < binds.count else { throw Mismatch(placeholders: used + 1, binds: binds.count) }
                output += binds[used]
                used += 1
            default:
                output.append(character)
            }
            index = next
        }
        guard used == binds.count else { throw Mismatch(placeholders: used, binds: binds.count) }
        return output
    }

    /// `value` as an SQL literal; `escape` escapes the inside of a string literal.
    static func literal(_ value: DatabaseValue, escape: (String) async throws -> String) async throws -> String {
        switch value {
        case .null: "NULL"
        case .integer(let integer): String(integer)
        case .double(let double): double.isFinite ? String(double) : "NULL"
        case .text(let text): "'\(try await escape(text))'"
        case .timestamp(let date): "'\(DateTimeText.format(date))'"
        }
    }
}

/// MySQL `DATETIME(6)` text in UTC: `2025-05-19 12:30:45.123456`.
enum DateTimeText {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    static func format(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded())
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, min(micros, 999_999))
    }

    static func parse(_ text: String) -> Date? {
        let pieces = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" || $0 == "T" })
        guard pieces.count >= 6, let year = Int(pieces[0]), let month = Int(pieces[1]), let day = Int(pieces[2]),
              let hour = Int(pieces[3]), let minute = Int(pieces[4]) else { return nil }
        let secondParts = pieces[5].split(separator: ".")
        guard let second = Int(secondParts[0]) else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        guard secondParts.count > 1 else { return date }
        let fraction = Double("0." + secondParts[1]) ?? 0
        return date.addingTimeInterval(fraction)
    }
}
