import Foundation
import Logging
import Strata
import StrataCLI
import Testing

/// ``StrataDatabase``: what an application does about its migrations as it starts — refuse
/// a database that is behind (pending, dirty), or migrate it — with the configuration the
/// `strata` command uses, on every engine. The integrations (StrataHummingbird,
/// StrataVapor) call it; scripts/example_servers.py runs them in real servers.
@Suite struct StartupCheckTests {
    /// A project directory whose `strata.yml` points environment `app` at `db`.
    private func project(_ db: FreshDatabase) throws -> (TemporaryDirectory, StrataDatabase) {
        let directory = try TemporaryDirectory()
        let configuration = """
            migrations: \(db.migrationsPath)
            environments:
              app:
                url: \(db.settingsURL())
            """
        try configuration.write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let database = try StrataDatabase(environment: "app", configurationFile: directory.path + "/strata.yml")
        return (directory, database)
    }

    @Test(arguments: TestDatabase.all)
    func aDatabaseBehindIsRefusedWithWhatIsPendingAndWhatToRun(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...3)
        let (directory, database) = try project(db)
        defer { directory.remove() }
        try await db.migrator().migrate(Migrator.MigrateOptions(step: 1))

        let error = await #expect(throws: StrataError.self) { try await database.prepare(.check) }
        #expect(error?.code == .pending)
        #expect(error?.message.contains("The database of environment \"app\" is behind") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Pending (2):\n  20250101000002-table-2\n  20250101000003-table-3") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("Run `strata migrate --env app`") == true, "\(error?.hint ?? "")")
        #expect(StrataCLI.reportError(try #require(error)) == 3)
        // The check changed nothing.
        #expect(try await db.historyVersions() == ["20250101000001"])

        // Migrating on start applies them; the check then passes.
        #expect(try await database.migrate().map(\.id.version.digits) == ["20250101000002", "20250101000003"])
        try await database.prepare(.check)
        #expect(try await database.status().allSatisfy { $0.state == .applied })
        try await database.prepare(.migrate)
        #expect(try await db.historyVersions().count == 3)
    }

    @Test(arguments: TestDatabase.all)
    func aDirtyMigrationIsRefusedAndAnUnknownAppliedOneOnlyWarned(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        try db.write("20250101000003", "half", up: "CREATE TABLE t3 (id INTEGER);\nINSERT INTO no_such_table (id) VALUES (1);", upOptions: "transaction:false")
        let (directory, database) = try project(db)
        defer { directory.remove() }
        _ = try? await db.migrator().migrate()

        let error = await #expect(throws: StrataError.self) { try await database.checkUpToDate() }
        #expect(error?.code == .pending)
        #expect(error?.message.contains("20250101000003-half is dirty") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("`strata status --env app` says how") == true, "\(error?.hint ?? "")")

        // An applied migration this build does not know (an older build, a newer database)
        // is logged, and the application starts.
        try await db.migrator().resolve(try #require(MigrationReference("20250101000003")), as: .rolledBack)
        try FileManager.default.removeItem(atPath: "\(db.migrationsPath)/20250101000003-half.sql")
        try FileManager.default.removeItem(atPath: "\(db.migrationsPath)/20250101000002-table-2.sql")
        let logs = LogCollector()
        let logged = try StrataDatabase(
            environment: "app", configurationFile: directory.path + "/strata.yml", logger: Logger(label: "app") { _ in logs }
        )
        try await logged.checkUpToDate()
        #expect(logs.events.contains { $0.message == "Migration 20250101000002-table-2 is missing: applied, but unknown to this build" })
        #expect(logs.events.contains { $0.message == "The database is up to date" && $0.metadata["environment"] == "app" })
    }

    @Test func aURLFromTheApplicationsOwnConfigurationNeedsNoStrataYml() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        let url = db.settingsURL()
        var database = try StrataDatabase(url: url, migrationsDirectory: db.migrationsPath, environment: "staging")
        database.toolCommand = ".build/release/migrate"
        let error = await #expect(throws: StrataError.self) { try await database.checkUpToDate() }
        #expect(error?.hint?.contains("Run `.build/release/migrate migrate --env staging`, or start with `.build/release/migrate deploy --env staging -- <server command>`") == true, "\(error?.hint ?? "")")
        try await database.migrate()
        #expect(try await database.withConnection { try await $0.tableExists("t2") })

        // A URL that Strata cannot use fails where the application is set up.
        let refused = #expect(throws: StrataError.self) { try StrataDatabase(url: "oracle://db.example.com/app") }
        #expect(refused?.code == .configuration)
        #expect(refused?.message.contains("oracle") == true, "\(refused?.message ?? "")")
    }

    @Test func anUnknownEnvironmentFailsWhereTheApplicationIsSetUp() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "environments:\n  production:\n    url: sqlite:db/p.sqlite3\n".write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let error = #expect(throws: StrataError.self) {
            try StrataDatabase(environment: "staging", configurationFile: directory.path + "/strata.yml")
        }
        #expect(error?.message.contains("Unknown environment \"staging\"") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("Known environments: production") == true)
    }
}

/// Global options before a subcommand of a subcommand (`strata --env test db create`), as
/// the Vapor integration passes them.
@Suite struct LeadingGlobalOptionsTests {
    @Test func globalOptionsBeforeANestedSubcommandReachIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "environments:\n  staging:\n    url: sqlite:db/staging.sqlite3\n".write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let created = try await StrataProcess.run(["--env", "staging", "db", "create"], in: directory.path)
        #expect(created.status == 0, "\(created)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/db/staging.sqlite3"))
        // A positional argument after the subcommand is not taken for a subcommand's name.
        let status = try await StrataProcess.run(["--env", "staging", "-q", "status", "--exit-code"], in: directory.path)
        #expect(status.status == 0, "\(status)")
        let unknown = try await StrataProcess.run(["--env", "staging", "db", "nonsense"], in: directory.path)
        #expect(unknown.status == 2, "\(unknown)")
    }
}
