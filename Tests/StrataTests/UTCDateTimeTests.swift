import Foundation
import Strata
import Testing

/// The arithmetic date conversions that replace a calendar per history row.
@Suite struct UTCDateTimeTests {
    @Test func fieldsOfADateAgreeWithACalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for seconds in stride(from: -5_000_000_000.0, through: 5_000_000_000.0, by: 86_399_937.0) {
            let date = Date(timeIntervalSince1970: seconds)
            let fields = UTCDateTime(date, fractionDigits: 0)
            let reference = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            #expect([fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second]
                == [reference.year, reference.month, reference.day, reference.hour, reference.minute, reference.second],
                "\(seconds)")
            #expect(fields.date == date)
        }
    }

    @Test func parsesBothSeparatorsAFractionAndAZone() throws {
        let iso = try #require(UTCDateTime(parsing: "2024-02-29T23:59:59.125Z"))
        let mysql = try #require(UTCDateTime(parsing: "2024-02-29 23:59:59.125000"))
        #expect(iso.date == mysql.date)
        #expect(iso.date.timeIntervalSince1970 == 1_709_251_199.125)
        #expect(try #require(UTCDateTime(parsing: "1970-01-01 00:00:00")).date == Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: ["2024-13-01 00:00:00", "2024-02-29 24:00:00", "2024-02-29", "2024-02-29 23:59:59.", "2024/02/29 23:59:59",
                      "2024-02-29 23:59:59.1234567890", "x024-02-29 23:59:59"])
    func rejectsWhatIsNotADateTime(text: String) {
        #expect(UTCDateTime(parsing: text) == nil)
    }

    @Test func formatsWithTheRequestedPrecisionAndRounding() {
        let date = Date(timeIntervalSince1970: 1_747_657_845.123_456_7)
        #expect(UTCDateTime(date, fractionDigits: 6, rounding: .toNearestOrAwayFromZero).formatted(separator: " ")
            == "2025-05-19 12:30:45.123457")
        #expect(UTCDateTime(date, fractionDigits: 3).formatted(separator: "T", suffix: "Z") == "2025-05-19T12:30:45.123Z")
        #expect(UTCDateTime(date, fractionDigits: 0).formatted(separator: " ") == "2025-05-19 12:30:45")
        // Rounding up may carry into the next day.
        #expect(UTCDateTime(Date(timeIntervalSince1970: 86_399.999_999_9), fractionDigits: 6, rounding: .toNearestOrAwayFromZero)
            .formatted(separator: " ") == "1970-01-02 00:00:00.000000")
    }
}
