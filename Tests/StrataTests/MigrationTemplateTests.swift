import Foundation
@testable import Strata
import Testing

@Suite struct MigrationTemplateTests {
    @Test func createTableRendersThroughTheDialect() throws {
        let text = try MigrationTemplate.createTable.render(name: "create-blog-posts", dialect: OddDialect())
        #expect(text.contains("CREATE TABLE IF NOT EXISTS ``blog_posts`` ("))
        #expect(text.contains("``id`` AWWTOEINCREMENT,"))
        #expect(text.contains("``name`` ODDSTRING<255> NOT NULL,"))
        #expect(text.contains("``created_at`` ODDTIME NOT NULL DEFAULT CURRENT_TIMESTAMP"))
        #expect(text.contains("DROP TABLE IF EXISTS ``blog_posts``;"))
        let sections = try SQLMigrationParser(syntax: .standard).parse(text, fileName: "t.sql")
        #expect(sections.up.statements.count == 1)
        #expect(sections.down?.statements.count == 1)
    }

    @Test func modifyTableGuardsWhereTheDialectHasNoIfNotExists() throws {
        let guarded = try MigrationTemplate.modifyTable.render(name: "add-status-to-users", dialect: OddDialect())
        let sections = try SQLMigrationParser(syntax: .standard).parse(guarded, fileName: "t.sql")
        #expect(sections.up.statements.map(\.text) == ["ALTER TABLE ``users`` ADD COLUMN ``status`` ODDSTRING<255>"])
        #expect(sections.up.statements.first?.skipIf == "ODD_HAS_COLUMN(users, status)")
        #expect(sections.down?.statements.first?.skipIf == "SELECT 1 WHERE NOT EXISTS (ODD_HAS_COLUMN(users, status))")

        let native = try MigrationTemplate.modifyTable.render(name: "add-status-to-users", dialect: OddDialectWithIfNotExists())
        #expect(native.contains("ALTER TABLE ``users`` ADD COLUMN IF NOT EXISTS ``status`` ODDSTRING<255>;"))
        #expect(native.contains("ALTER TABLE ``users`` DROP COLUMN IF EXISTS ``status``;"))
        #expect(!native.contains("strata:skip-if"))
    }

    @Test(arguments: [(MigrationTemplate.createTable, "users"), (.modifyTable, "status-for-users"), (.modifyTable, "add-status")])
    func templatesNeedTheirNamingPattern(template: MigrationTemplate, name: String) {
        let error = #expect(throws: StrataError.self) { try template.render(name: name, dialect: OddDialect()) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains(name) == true)
    }

    @Test func generatorWritesTimestampedFilesThatSortLast() throws {
        let directory = try temporaryDirectory() + "/db/migrations"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = MigrationGenerator(directory: directory, dialect: OddDialect())
        let now = try #require(ISO8601Timestamp.parse("2025-05-19T12:30:45Z"))
        let first = try generator.generate(name: "create-users", template: .createTable, now: now)
        let second = try generator.generate(name: "add-status-to-users", now: now)
        #expect(first.hasSuffix("/20250519123045-create-users.sql"))
        #expect(second.hasSuffix("/20250519123046-add-status-to-users.sql"))
        let loaded = try MigrationDirectory(path: directory, syntax: .standard).load()
        #expect(loaded.map(\.id.name) == ["create-users", "add-status-to-users"])
    }

    @Test(arguments: ["../escape", "Create-Users", "create_users", ""])
    func generatorRejectsBadNamesAndWritesNothing(name: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: StrataError.self) {
            try MigrationGenerator(directory: directory, dialect: OddDialect()).generate(name: name)
        }
        #expect(error?.code == .configuration)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}

@Suite struct MigrationDirectoryTests {
    func write(_ files: [String: String]) throws -> String {
        let directory = try temporaryDirectory()
        for (name, text) in files {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func loadsSQLFilesInVersionOrderWithChecksums() throws {
        let text = "-- migrate:up\nSELECT 1;\n"
        let directory = try write([
            "20250102000000-two.sql": text, "20250101000000-one.sql": text, "README.md": "notes", ".hidden.sql": "x",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try MigrationDirectory(path: directory, syntax: .standard).load()
        #expect(loaded.map(\.id.name) == ["one", "two"])
        #expect(loaded[0].checksum == Checksum.sha256(text))
        #expect(loaded[0].source == "\(directory)/20250101000000-one.sql")
    }

    @Test func everyBadFileNameIsReported() throws {
        let directory = try write(["create-users.sql": "", "20250101000000_two.sql": "", "20250101000000-ok.sql": "-- migrate:up\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("create-users.sql") == true)
        #expect(error?.message.contains("20250101000000_two.sql") == true)
    }

    @Test func duplicateVersionsNameBothFiles() throws {
        let text = "-- migrate:up\nSELECT 1;\n"
        let directory = try write(["20250101000000-one.sql": text, "20250101000000-other.sql": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        #expect(error?.message.contains("Duplicate migration version 20250101000000") == true)
        #expect(error?.message.contains("20250101000000-one.sql") == true)
        #expect(error?.message.contains("20250101000000-other.sql") == true)
    }

    @Test func aFileLargerThanOneReadIsReadWhole() throws {
        // Three and a half times the first read: the storage doubles twice as it fills, and
        // the statement that straddles each boundary is read whole.
        let statement = "INSERT INTO seeds (name) VALUES ('row');\n"
        let count = DirectoryHandle.firstReadSize * 7 / 2 / statement.utf8.count + 1
        let text = "-- migrate:up\n" + String(repeating: statement, count: count) + "-- migrate:down\nDELETE FROM seeds;\n"
        let directory = try write(["20250101000000-big.sql": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try MigrationDirectory(path: directory, syntax: .standard).load()
        #expect(text.utf8.count > 3 * DirectoryHandle.firstReadSize)
        #expect(loaded.first?.checksum == Checksum.sha256(text))
        #expect(loaded.first?.up.statements.count == count)
        #expect(loaded.first?.down?.statements.map(\.text) == ["DELETE FROM seeds"])
    }

    @Test func aFileOfExactlyOneReadIsReadWhole() throws {
        let head = "-- migrate:up\nSELECT 1;\n-- "
        let text = head + String(repeating: "x", count: DirectoryHandle.firstReadSize - head.utf8.count)
        let directory = try write(["20250101000000-exact.sql": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try MigrationDirectory(path: directory, syntax: .standard).load()
        #expect(text.utf8.count == DirectoryHandle.firstReadSize)
        #expect(loaded.first?.checksum == Checksum.sha256(text))
    }

    @Test func aFileOverTheLimitIsRefusedAndOneAtItIsReadWhole() throws {
        let size = DirectoryHandle.firstReadSize * 2 + 10
        let text = String(repeating: "x", count: size)
        let directory = try write(["file.sql": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard let handle = try DirectoryHandle(path: directory) else {
            Issue.record("\(directory) was not opened")
            return
        }
        #expect(try handle.contents(of: "file.sql", limit: size) == Array(text.utf8))
        #expect(try handle.contents(of: "file.sql") == Array(text.utf8))
        for limit in [0, 100, DirectoryHandle.firstReadSize, size - 1] {
            let error = #expect(throws: DirectoryHandle.SystemError.self) { try handle.contents(of: "file.sql", limit: limit) }
            #expect(error?.code == EFBIG, "limit \(limit)")
        }
        let missing = #expect(throws: DirectoryHandle.SystemError.self) { try handle.contents(of: "no-such-file.sql") }
        #expect(missing?.code == ENOENT)
    }

    @Test func aMigrationFileOverSixtyFourMegabytesIsRefusedByName() throws {
        let directory = try write(["20250101000000-huge.sql": "-- migrate:up\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Sparse: past its first line the file reads as zeros, and takes no disk.
        #expect(truncate("\(directory)/20250101000000-huge.sql", off_t(MigrationDirectory.sizeLimit + 1)) == 0)
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("20250101000000-huge.sql is larger than 64 MB") == true, "\(error?.message ?? "")")
    }

    @Test func aMissingDirectoryHoldsNoMigrations() throws {
        #expect(try MigrationDirectory(path: "/nonexistent/strata/migrations", syntax: .standard).load().isEmpty)
    }

    @Test func aFileWhereTheDirectoryShouldBeIsAConfigurationError() throws {
        let directory = try write(["migrations": "not a directory"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: "\(directory)/migrations", syntax: .standard).load() }
        #expect(error?.code == .configuration)
        #expect(error?.message == "The migrations path \(directory)/migrations is a file, not a directory.")
        #expect(error?.hint?.contains("strata.yml") == true)
    }

    @Test func aFileThatIsNotUTF8IsNamed() throws {
        let directory = try write([:])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/20250101000000-latin.sql"
        try Data("-- migrate:up\nSELECT 'caf\u{E9}';\n".utf8.map { $0 } + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        #expect(error?.code == .configuration)
        #expect(error?.message == "Migration \(path) is not valid UTF-8 text.")
    }

    @Test func aDirectoryNamedLikeAMigrationCannotBeRead() throws {
        let directory = try write(["20250101000000-one.sql": "-- migrate:up\nSELECT 1;\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/20250102000000-folder.sql", withIntermediateDirectories: false)
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        #expect(error?.code == .failure)
        #expect(error?.message == "Cannot read migration \(directory)/20250102000000-folder.sql: Is a directory.")
    }

    @Test func badNamesAreListedInOrderAndUppercaseExtensionsAreNotIgnored() throws {
        let directory = try write(["b-second.sql": "", "a-first.SQL": "", "20250101000000-ok.sql": "-- migrate:up\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: StrataError.self) { try MigrationDirectory(path: directory, syntax: .standard).load() }
        let lines = error?.message.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"a-first.SQL\": it does not end in .sql") == true, "\(lines)")
        #expect(lines.last?.contains("\"b-second.sql\"") == true, "\(lines)")
    }
}
