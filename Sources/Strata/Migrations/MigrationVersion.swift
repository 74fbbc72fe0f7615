import Foundation

/// A migration's version: the 14-digit UTC timestamp `YYYYMMDDHHMMSS` that orders the timeline.
///
/// Versions compare by their digits, which is also chronological order.
public struct MigrationVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 14 digits.
    public let digits: String
    /// The digits as a number, which orders and hashes without comparing strings.
    private let number: UInt64

    /// Parses 14 digits that form a valid UTC date and time; returns `nil` otherwise.
    ///
    /// `20250519123045` is valid; `2025051912304` (13 digits) and `20251319123045`
    /// (month 13) are not.
    public init?(_ text: String) {
        var text = text
        guard let version = text.withUTF8({ Self(ascii: $0) }) else { return nil }
        self = version
    }

    /// Parses the 14 ASCII digits of `bytes`, as ``init(_:)`` does a string's: the file
    /// names of every migration are parsed on every run, so this stays on the bytes.
    init?(ascii bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 14 else { return nil }
        var number: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        let fields = Self.fields(of: number)
        guard (1...12).contains(fields.month),
              (1...Self.daysIn(month: fields.month, year: fields.year)).contains(fields.day),
              fields.hour < 24, fields.minute < 60, fields.second < 60
        else { return nil }
        digits = String(decoding: bytes, as: UTF8.self)
        self.number = number
    }

    private init(validDigits: String) {
        digits = validDigits
        number = validDigits.utf8.reduce(0) { $0 * 10 + UInt64($1 - UInt8(ascii: "0")) }
    }

    /// The version of a migration generated at `date`, in UTC.
    public init(date: Date) {
        let calendar = Self.utcCalendar
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let text = String(
            format: "%04d%02d%02d%02d%02d%02d",
            parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0
        )
        // The components of a real date always form a valid version.
        self.init(validDigits: text)
    }

    /// The UTC date and time this version stands for.
    public var date: Date {
        let fields = Self.fields(of: number)
        let components = DateComponents(
            year: fields.year, month: fields.month, day: fields.day,
            hour: fields.hour, minute: fields.minute, second: fields.second
        )
        return Self.utcCalendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// The version one second later, used when two migrations are generated within one second.
    public func next() -> MigrationVersion {
        MigrationVersion(date: date.addingTimeInterval(1))
    }

    /// The 14 digits.
    public var description: String { digits }

    /// Orders by the digits, which is chronological.
    public static func < (lhs: MigrationVersion, rhs: MigrationVersion) -> Bool {
        lhs.number < rhs.number
    }

    /// Equal digits.
    public static func == (lhs: MigrationVersion, rhs: MigrationVersion) -> Bool {
        lhs.number == rhs.number
    }

    /// Hashes the digits' number.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(number)
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    /// The date's fields of a version's number, `YYYYMMDDHHMMSS` read as decimal.
    private static func fields(of number: UInt64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let value = Int(number)
        return (value / 10_000_000_000, value / 100_000_000 % 100, value / 1_000_000 % 100,
                value / 10_000 % 100, value / 100 % 100, value % 100)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
