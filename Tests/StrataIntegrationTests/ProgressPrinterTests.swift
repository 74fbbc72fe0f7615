@testable import StrataCLI
import Testing

/// The durations on each migration's progress line, formatted in integers (no
/// `String(format:)`): tenths of a millisecond under a second, hundredths of a second
/// from one, rounded half up.
@Suite struct ProgressPrinterTests {
    @Test(arguments: [
        (Duration.zero, "0.0ms"),
        (.nanoseconds(49_999), "0.0ms"),
        (.nanoseconds(50_000), "0.1ms"),
        (.microseconds(149), "0.1ms"),
        (.microseconds(3_250), "3.3ms"),
        (.milliseconds(42), "42.0ms"),
        (.microseconds(999_949), "999.9ms"),
        (.microseconds(999_950), "1000.0ms"),
        (.seconds(1), "1.00s"),
        (.milliseconds(1_004), "1.00s"),
        (.milliseconds(1_005), "1.01s"),
        (.milliseconds(1_240), "1.24s"),
        (.milliseconds(61_999), "62.00s"),
        (.seconds(3_600), "3600.00s"),
        (.nanoseconds(-5), "0.0ms"),
    ])
    func durationsAreFormattedForPeople(duration: Duration, expected: String) {
        #expect(ProgressPrinter.format(duration) == expected)
    }
}
