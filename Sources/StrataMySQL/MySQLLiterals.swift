import Foundation
import Strata

/// Client-side binding for the MySQL text protocol: each `?` outside strings and quoted
/// identifiers is replaced by the next value as an escaped SQL literal. Comments are not
/// told apart: a `?` in one is taken for a placeholder, so a bound statement should hold
/// none (Strata's own, the history and progress rows, hold none).
enum MySQLLiterals {
    /// A bind count that does not match the placeholders.
    struct Mismatch: Error, CustomStringConvertible {
        let placeholders: Int
        let binds: Int
        var description: String { "the statement has \(placeholders) placeholders but \(binds) values were given" }
    }

    /// `sql` with its placeholders replaced by `literals`, in order.
    ///
    /// On the UTF-8 bytes: quotes, backslashes and `?` are ASCII, and no byte of a multi-byte
    /// character is, so no character is split; walking the characters instead cost thousands
    /// of instructions a statement, and the history row is written by one on every migration.
    static func interpolate(_ sql: String, literals binds: [String]) throws -> String {
        guard !binds.isEmpty else { return sql }
        var sql = sql
        let output: Result<[UInt8], Mismatch> = sql.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + binds.reduce(0) { $0 + $1.utf8.count })
            var used = 0
            var quote: UInt8?
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                output.append(byte)
                index += 1
                if let open = quote {
                    if byte == UInt8(ascii: "\\"), open != UInt8(ascii: "`"), index < bytes.count {
                        output.append(bytes[index])
                        index += 1
                    } else if byte == open {
                        quote = nil
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                    quote = byte
                case UInt8(ascii: "?"):
                    output.removeLast()
                    guard used < binds.count else { return .failure(Mismatch(placeholders: used + 1, binds: binds.count)) }
                    output.append(contentsOf: binds[used].utf8)
                    used += 1
                default:
                    break
                }
            }
            guard used == binds.count else { return .failure(Mismatch(placeholders: used, binds: binds.count)) }
            return .success(output)
        }
        return String(decoding: try output.get(), as: UTF8.self)
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
