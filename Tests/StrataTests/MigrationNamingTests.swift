import Foundation
import Strata
import Testing

@Suite struct MigrationNamingTests {
    @Test(arguments: ["20250519123045", "20240229000000", "19991231235959"])
    func validVersions(text: String) {
        #expect(MigrationVersion(text)?.digits == text)
    }

    @Test(arguments: ["2025051912304", "202505191230451", "20251319123045", "20250230120000", "20230229000000",
                      "20250519243045", "20250519126045", "2025O519123045", ""])
    func invalidVersions(text: String) {
        #expect(MigrationVersion(text) == nil)
    }

    @Test func versionsOrderChronologicallyAndFollowDates() throws {
        let date = try #require(ISO8601Timestamp.parse("2025-05-19T12:30:45Z"))
        let version = MigrationVersion(date: date)
        #expect(version.digits == "20250519123045")
        #expect(version.next().digits == "20250519123046")
        #expect(MigrationVersion("20251231235959")?.next().digits == "20260101000000")
        #expect(try #require(MigrationVersion("20250101000000")) < version)
    }

    @Test func parsesMigrationFileNames() throws {
        let id = try MigrationFileName.parse("20250519123045-add-status-to-users.sql")
        #expect(id.version.digits == "20250519123045")
        #expect(id.name == "add-status-to-users")
        #expect(id.description == "20250519123045-add-status-to-users")
        #expect(MigrationFileName.make(id) == "20250519123045-add-status-to-users.sql")
    }

    @Test(arguments: [
        ("create-users.sql", "valid 14-digit UTC timestamp"),
        ("20250519123045.sql", "followed by a hyphen"),
        ("20250519123045_create_users.sql", "followed by a hyphen"),
        ("20250519123045-Create-Users.sql", "lowercase"),
        ("20250519123045-create_users.sql", "lowercase"),
        ("20250519123045-create--users.sql", "hyphens must join words"),
        ("20250519123045-create-users.SQL", "does not end in .sql"),
        ("20251319123045-create-users.sql", "valid 14-digit UTC timestamp"),
    ])
    func badFileNamesAreNamedInTheError(fileName: String, reason: String) {
        let error = #expect(throws: StrataError.self) { try MigrationFileName.parse(fileName) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains(fileName) == true)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test func namesRejectPathSeparators() {
        #expect(MigrationName.problem(with: "../evil")?.contains("path separator") == true)
        #expect(MigrationName.problem(with: "a/b")?.contains("path separator") == true)
        #expect(MigrationName.problem(with: "") != nil)
        #expect(MigrationName.problem(with: "v2-backfill") == nil)
    }

    @Test(arguments: ["2025-05-19T12:30:45Z", "2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00.5Z", "2000-03-01T00:00:00.000001Z"])
    func fastTimestampParsingAgreesWithFoundation(text: String) throws {
        let fast = try #require(ISO8601Timestamp.parse(text))
        let style = text.contains(".") ? Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt) : Date.ISO8601FormatStyle(timeZone: .gmt)
        let reference = try style.parse(text)
        #expect(abs(fast.timeIntervalSince(reference)) < 0.001)
        #expect(ISO8601Timestamp.parse(ISO8601Timestamp.format(fast)).map { abs($0.timeIntervalSince(fast)) < 0.001 } == true)
    }

    // Fractions exact in binary: for others Foundation truncates the binary value (.123 → .122).
    @Test(arguments: [0.0, 1_747_657_845.125, 951_782_399.75, -86_400.5, 4_102_444_800.0, 1_709_251_199.0])
    func fastTimestampFormattingAgreesWithFoundation(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let reference = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        #expect(ISO8601Timestamp.format(date) == reference)
    }

    @Test func checksumIsSHA256Hex() {
        #expect(Checksum.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Checksum.sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
