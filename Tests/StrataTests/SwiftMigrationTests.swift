import Foundation
import Strata
import Testing

private struct AddFlag: Migration {
    var id = "20250601000000-add-flag"
    var column = "flag"
    func up(_ schema: Schema) async throws {
        try await schema.addColumn(Column(column, .bool).notNull().defaults(to: false), to: "users", ifNotExists: true)
    }
    func down(_ schema: Schema) async throws {
        try await schema.removeColumn(column, from: "users", ifExists: true)
    }
}

private struct OneWay: Migration {
    let id = "20250602000000-one-way"
    var runsInTransaction: Bool { false }
    func up(_ schema: Schema) async throws { try await schema.execute("DELETE FROM t") }
    func down(_ schema: Schema) async throws { throw IrreversibleMigration() }
}

private struct Fragile: Migration {
    let id = "20250603000000-fragile"
    func up(_ schema: Schema) async throws {
        guard try await schema.hasTable("users") else { throw CancellationError() }
    }
    func down(_ schema: Schema) async throws {}
}

/// `AddFlag` with foreign keys checked at commit, as a generated migration keeping a
/// SQLite rebuild's SQL asks.
private struct DeferringAddFlag: Migration {
    var runsInTransaction = true
    let id = "20250601000000-add-flag"
    var defersForeignKeys: Bool { true }
    func up(_ schema: Schema) async throws { try await AddFlag().up(schema) }
    func down(_ schema: Schema) async throws { try await AddFlag().down(schema) }
}

@Suite struct SwiftMigrationTests {
    @Test func aMigrationLoadsWithItsIDAndTheChangesItRecords() async throws {
        let loaded = try await SwiftMigrationLoader.load(AddFlag())
        #expect(loaded.id.description == "20250601000000-add-flag")
        #expect(loaded.source == "AddFlag (Swift)")
        #expect(loaded.up.program?.recordedChanges.map(\.summary) == ["addColumn users.flag"])
        #expect(loaded.down?.program?.recordedChanges.map(\.summary) == ["removeColumn users.flag"])
        #expect(loaded.up.runsInTransaction)
        #expect(loaded.checksum.count == 64)
    }

    @Test func editingAMigrationChangesItsChecksumAndNothingElseDoes() async throws {
        let original = try await SwiftMigrationLoader.load(AddFlag()).checksum
        #expect(try await SwiftMigrationLoader.load(AddFlag()).checksum == original)
        #expect(try await SwiftMigrationLoader.load(AddFlag(column: "flagged")).checksum != original)
    }

    @Test func aMigrationDeferringForeignKeysDefersThemBothWaysAndIsChecksummedSo() async throws {
        let plain = try await SwiftMigrationLoader.load(AddFlag())
        let deferring = try await SwiftMigrationLoader.load(DeferringAddFlag())
        #expect(!plain.up.defersForeignKeys && plain.down?.defersForeignKeys == false)
        #expect(deferring.up.defersForeignKeys && deferring.down?.defersForeignKeys == true)
        #expect(deferring.checksum != plain.checksum)

        // Deferred keys are checked at a commit, so a migration outside a transaction cannot defer them.
        let error = try await #require(throws: StrataError.self) { try await SwiftMigrationLoader.load(DeferringAddFlag(runsInTransaction: false)) }
        #expect(error.code == .configuration)
        #expect(error.message.contains("defers foreign keys but does not run in a transaction"), "\(error.message)")
    }

    @Test func anIrreversibleMigrationHasNoDownAndItsTransactionOptOutIsKept() async throws {
        let loaded = try await SwiftMigrationLoader.load(OneWay())
        #expect(loaded.down == nil)
        #expect(loaded.up.runsInTransaction == false)
    }

    @Test(arguments: [
        ("2025060100000-add-flag", "it does not start with a valid 14-digit UTC timestamp"),
        ("20250601000000_add_flag", "the timestamp must be followed by a hyphen and a name"),
        ("20250601000000-Add-Flag", "the name may contain only lowercase letters a-z, digits and hyphens (kebab-case)"),
    ])
    func badIDsAreRefusedNamingTheType(id: String, reason: String) async throws {
        let error = try await #require(throws: StrataError.self) { try await SwiftMigrationLoader.load(AddFlag(id: id)) }
        #expect(error.code == .configuration)
        #expect(error.message == "Swift migration AddFlag has an invalid id \"\(id)\": \(reason).")
    }

    @Test func aMigrationThatFailsWhileRecordedIsReportedNotSkipped() async throws {
        let error = try await #require(throws: StrataError.self) { try await SwiftMigrationLoader.load(Fragile()) }
        #expect(error.message.hasPrefix("Swift migration Fragile threw from up while Strata recorded its changes"))
    }

    @Test func sqlAndSwiftMigrationsSharingAVersionAreRefused() async throws {
        let swift = try await SwiftMigrationLoader.load(AddFlag())
        let file = migration("20250601000000", "add-flag-too")
        let error = try #require(throws: StrataError.self) { try MigrationSources.merge([file], [swift]) }
        #expect(error.message == "Duplicate migration version 20250601000000: db/migrations/20250601000000-add-flag-too.sql and AddFlag (Swift).")
        #expect(try MigrationSources.merge([migration("20250602000000", "later")], [swift]).map(\.id.name) == ["add-flag", "later"])
    }

    @Test func aMigrationFileMissingFromTheRegistryIsReported() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = MigrationRegistry([AddFlag()], file: "\(directory)/Migrations.swift")
        for name in ["20250601000000-add-flag.swift", "20250605000000-add-index-to-users.swift", "Helpers.swift", "Migrations.swift"] {
            #expect(FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data()))
        }
        #expect(registry.unregisteredFiles().map(\.typeName) == ["AddIndexToUsers"])
        let error = try await #require(throws: StrataError.self) { try await registry.load() }
        #expect(error.message == "Swift migration file \(directory)/20250605000000-add-index-to-users.swift is not registered in \(directory)/Migrations.swift.")
        #expect(error.hint?.contains("Add `AddIndexToUsers(),` to the list") == true)
        // Where the directory does not exist (a deployed binary), there is nothing to check.
        #expect(try await MigrationRegistry([AddFlag()], file: "/nonexistent/Migrations.swift").load().count == 1)
    }

    @Test func generateWritesTheSeedTemplatesAndKeepsTheRegistry() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generator = SwiftMigrationGenerator(directory: directory)
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let first = try generator.generate(name: "create-users", template: .createTable, now: now)
        let second = try generator.generate(name: "add-status-to-users", template: .modifyTable, now: now)
        #expect(first.migration == "\(directory)/20250615150640-create-users.swift")
        // Same clock: the next second, so the new migration sorts last.
        #expect(second.migration == "\(directory)/20250615150641-add-status-to-users.swift")
        let created = try String(contentsOfFile: first.migration, encoding: .utf8)
        #expect(created.contains("struct CreateUsers: Migration {\n    let id = \"20250615150640-create-users\""))
        #expect(created.contains("try await schema.createTable(\"users\", ifNotExists: true) {"))
        #expect(created.contains("try await schema.dropTable(\"users\", ifExists: true)"))
        let modified = try String(contentsOfFile: second.migration, encoding: .utf8)
        #expect(modified.contains("Column(\"status\", .enum([\"active\", \"inactive\", \"suspended\"])).notNull().defaults(to: \"active\"),\n            to: \"users\", ifNotExists: true"))
        #expect(modified.contains("try await schema.removeColumn(\"status\", from: \"users\", ifExists: true)"))
        let registry = try String(contentsOfFile: first.registry, encoding: .utf8)
        #expect(registry.contains("let migrations = MigrationRegistry([\n    CreateUsers(),\n    AddStatusToUsers(),\n])"))

        let clash = try #require(throws: StrataError.self) { try generator.generate(name: "create-users", now: now) }
        #expect(clash.message == "\(first.registry) already lists a migration type CreateUsers.")
        try "let migrations = MigrationRegistry([CreateUsers(), AddStatusToUsers()])\n".write(toFile: first.registry, atomically: true, encoding: .utf8)
        let unreadable = try #require(throws: StrataError.self) { try generator.generate(name: "create-posts", now: now) }
        #expect(unreadable.message == "Cannot find the end of the list in \(first.registry): no line reading `])` or `], model: …)`.")
        #expect(unreadable.hint == "Add `CreatePosts(),` to the MigrationRegistry list by hand.")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix("create-posts.swift") }.isEmpty)

        // A registry carrying a declared schema (SchemaModel) is kept too.
        try "let migrations = MigrationRegistry([\n    CreateUsers(),\n], model: model)\n".write(toFile: first.registry, atomically: true, encoding: .utf8)
        _ = try generator.generate(name: "create-posts", now: now)
        let withModel = try String(contentsOfFile: first.registry, encoding: .utf8)
        #expect(withModel == "let migrations = MigrationRegistry([\n    CreateUsers(),\n    CreatePosts(),\n], model: model)\n")
        let badName = try #require(throws: StrataError.self) { try generator.generate(name: "users", template: .createTable, now: now) }
        #expect(badName.message.hasPrefix("The create-table template needs a name like create-TABLE"))
    }
}
