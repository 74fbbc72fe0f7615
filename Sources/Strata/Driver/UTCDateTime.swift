import Foundation

/// A UTC date and time as its calendar fields, converted to and from `Date` and text by
/// arithmetic (Howard Hinnant's days-from-civil algorithms) rather than by a `Calendar` or
/// a date formatter: a history of thousands of rows is read and written without either.
public struct UTCDateTime: Sendable, Hashable {
    /// The proleptic Gregorian year.
    public var year: Int
    /// 1 to 12.
    public var month: Int
    /// 1 to 31.
    public var day: Int
    /// 0 to 23.
    public var hour: Int
    /// 0 to 59.
    public var minute: Int
    /// 0 to 60 (a leap second is accepted when parsing).
    public var second: Int
    /// The fraction of the second, as a count of `10^-fractionDigits` seconds.
    public var fraction: Int64
    /// How many decimal digits `fraction` has.
    public var fractionDigits: Int

    /// The fields of `date`, with the fraction cut to `fractionDigits` digits (at most 9):
    /// rounded to the nearest unit with `.toNearestOrAwayFromZero`, dropped with `.down`.
    public init(_ date: Date, fractionDigits requestedDigits: Int, rounding: FloatingPointRoundingRule = .down) {
        let digits = min(max(requestedDigits, 0), 9)
        let scale = Self.powerOfTen(digits)
        let units = Int64((date.timeIntervalSince1970 * Double(scale)).rounded(rounding))
        let perDay = 86_400 * scale
        let days = units >= 0 ? units / perDay : (units - perDay + 1) / perDay
        let unitOfDay = units - days * perDay
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let secondOfDay = unitOfDay / scale
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay / 60 % 60)
        second = Int(secondOfDay % 60)
        fraction = unitOfDay % scale
        fractionDigits = digits
    }

    /// Parses `YYYY-MM-DD HH:MM:SS`, with `T` or a space between date and time, up to nine
    /// fraction digits after a `.`, and an optional `Z`; `nil` for anything else, including
    /// an out-of-range field.
    public init?(parsing text: some StringProtocol) {
        var bytes = Array(text.utf8)
        if bytes.last == UInt8(ascii: "Z") { bytes.removeLast() }
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        self.year = Int(year)
        self.month = Int(month)
        self.day = Int(day)
        self.hour = Int(hour)
        self.minute = Int(minute)
        self.second = Int(second)
        if bytes.count == 19 {
            fraction = 0
            fractionDigits = 0
        } else {
            guard bytes[19] == UInt8(ascii: "."), (21...29).contains(bytes.count), let digits = number(20..<bytes.count) else { return nil }
            fraction = digits
            fractionDigits = bytes.count - 20
        }
    }

    /// The point in time.
    public var date: Date {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: seconds + Double(fraction) / Double(Self.powerOfTen(fractionDigits)))
    }

    /// `YYYY-MM-DD`, `separator`, `HH:MM:SS`, then `.` and the fraction's digits if it has any,
    /// then `suffix`: e.g. `2025-05-19T12:30:45.123Z` or `2025-05-19 12:30:45.123456`.
    public func formatted(separator: Character, suffix: String = "") -> String {
        var text: [UInt8] = []
        text.reserveCapacity(32 + suffix.utf8.count)
        // Digits written in place, last first: no array per field.
        func put(_ value: Int64, width: Int) {
            let end = text.count + width
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
            var rest = value
            for index in stride(from: end - 1, through: end - width, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        // Years beyond four digits, or before year 0, are written as they are.
        if (0...9999).contains(year) { put(Int64(year), width: 4) } else { text += Array(String(year).utf8) }
        text.append(UInt8(ascii: "-"))
        put(Int64(month), width: 2)
        text.append(UInt8(ascii: "-"))
        put(Int64(day), width: 2)
        text.append(contentsOf: String(separator).utf8)
        put(Int64(hour), width: 2)
        text.append(UInt8(ascii: ":"))
        put(Int64(minute), width: 2)
        text.append(UInt8(ascii: ":"))
        put(Int64(second), width: 2)
        if fractionDigits > 0 {
            text.append(UInt8(ascii: "."))
            put(fraction, width: fractionDigits)
        }
        text.append(contentsOf: suffix.utf8)
        return String(decoding: text, as: UTF8.self)
    }

    private static func powerOfTen(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}
