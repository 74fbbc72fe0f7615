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
    static func literal(_ value: DatabaseValue, escape: (String) -> String) -> String {
        switch value {
        case .null: "NULL"
        case .integer(let integer): String(integer)
        case .double(let double): double.isFinite ? String(double) : "NULL"
        case .text(let text): "'\(escape(text))'"
        case .timestamp(let date): "'\(DateTimeText.format(date))'"
        }
    }
}

/// MySQL `DATETIME(6)` text in UTC: `2025-05-19 12:30:45.123456`, by arithmetic (no
/// calendar per value: a history of thousands of rows is read on every run).
enum DateTimeText {
    static func format(_ date: Date) -> String {
        UTCDateTime(date, fractionDigits: 6, rounding: .toNearestOrAwayFromZero).formatted(separator: " ")
    }

    static func parse(_ text: String) -> Date? {
        UTCDateTime(parsing: text)?.date
    }
}
