import Foundation
import Logging
import Strata
import Testing

/// `db reset` and `db prepare` on every engine: a database rebuilt from the schema dump when
/// it is current, from the migrations (in one transaction where the engine allows) when it is
/// not, and `prepare` doing only what the database needs.
@Suite struct DatabaseResetTests {
    private func reset(_ db: FreshDatabase, dump: SchemaDumpFile? = nil) throws -> DatabaseReset {
        DatabaseReset(
            migrator: try db.migrator(), driver: db.engine.driver, settings: db.settings, logger: Logger(label: "test"),
            dump: dump.map { DatabaseReset.Dump(path: "db/schema.sql", file: $0) }
        )
    }

    private func dump(_ db: FreshDatabase) async throws -> SchemaDumpFile {
        try await SchemaDumps(migrator: db.migrator(), driver: db.engine.driver, settings: db.settings, logger: Logger(label: "test")).dump()
    }

    @Test(arguments: TestDatabase.all)
    func resetDropsEverythingAndAppliesEveryMigrationAtomicallyWhereTheEngineAllows(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...3)
        try await db.migrator().migrate()
        _ = try await db.query("INSERT INTO t1 (id) VALUES (7)")
        try db.write("20250101000004", "not-yet", up: "CREATE TABLE t4 (id INTEGER);")

        let outcome = try await reset(db).reset()
        #expect(outcome.dropped)
        #expect(outcome.loadedDump == nil)
        #expect(outcome.dumpNotUsed == nil)
        #expect(outcome.applied.count == 4)
        #expect(outcome.appliedAtomically == engine.driver.dialect.supportsTransactionalDDL)
        #expect(try await db.historyVersions() == (1...4).map { "2025010100000\($0)" })
        #expect(try await db.query("SELECT id FROM t1").isEmpty, "the data before the reset is gone")
    }

    @Test(arguments: TestDatabase.all)
    func resetLoadsACurrentDumpAndAppliesTheMigrationsNewerThanIt(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...3)
        try await db.migrator().migrate()
        let written = try await dump(db)
        let historyRows = { () async throws -> [String] in
            try await db.query("SELECT version, name, checksum FROM strata_migrations ORDER BY version")
                .map { "\($0["version"].text ?? "") \($0["name"].text ?? "") \($0["checksum"].text ?? "")" }
        }
        let history = try await historyRows()
        #expect(history.count == 3)

        let current = try await reset(db, dump: written).reset()
        #expect(current.loadedDump == "db/schema.sql")
        #expect(current.recordedFromDump == 3)
        #expect(current.applied.isEmpty)
        #expect(try await historyRows() == history)
        for number in 1...3 { #expect(try await db.hasTable("t\(number)")) }
        #expect(try await db.migrator().status().allSatisfy { $0.state == .applied })

        try db.writeTables(4...5)
        let behind = try await reset(db, dump: written).reset()
        #expect(behind.recordedFromDump == 3)
        #expect(behind.applied.map(\.id.name) == ["table-4", "table-5"])
        #expect(try await db.historyVersions() == (1...5).map { "2025010100000\($0)" })
        #expect(try await db.hasTable("t5"))
    }

    @Test(arguments: TestDatabase.all)
    func aDumpThatNoLongerMatchesTheFilesIsNotLoaded(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        try await db.migrator().migrate()
        let written = try await dump(db)
        try db.write("20250101000002", "table-2", up: "CREATE TABLE t2 (id INTEGER, note TEXT);", down: "DROP TABLE t2;")

        let resetter = try reset(db, dump: written)
        #expect(try resetter.dumpProblem() == "migration 20250101000002-table-2 changed since db/schema.sql was written")
        let outcome = try await resetter.reset()
        #expect(outcome.loadedDump == nil)
        #expect(outcome.dumpNotUsed == "migration 20250101000002-table-2 changed since db/schema.sql was written")
        #expect(outcome.applied.count == 2)
        #expect(try await db.query("SELECT note FROM t2").isEmpty, "t2 is the changed file's")

        // A dump that records a migration whose file is gone is not loaded either.
        try FileManager.default.removeItem(atPath: db.migrationsPath + "/20250101000001-table-1.sql")
        #expect(try reset(db, dump: written).dumpProblem() == "db/schema.sql records migration 20250101000001-table-1, which is not the 1st migration file")
    }

    /// An applied-migrations section that is not what `schema dump` writes is refused before
    /// anything is dropped.
    @Test(arguments: TestDatabase.all)
    func anUnreadableDumpChangesNothing(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...1)
        try await db.migrator().migrate()
        _ = try await db.query("INSERT INTO t1 (id) VALUES (7)")
        var edited = try await dump(db)
        edited.history += "\nDELETE FROM strata_migrations;"

        let error = await #expect(throws: StrataError.self) { try await reset(db, dump: edited).reset() }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("db/schema.sql: its applied-migrations section has a line that is not an INSERT") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("DELETE FROM strata_migrations;") == true)
        #expect(try await db.query("SELECT id FROM t1").count == 1)
        // `schema load` reads the section the same way.
        let loading = await #expect(throws: StrataError.self) {
            try await SchemaDumps(migrator: db.migrator(), driver: engine.driver, settings: db.settings, logger: Logger(label: "test")).load(edited, from: "db/schema.sql")
        }
        #expect(loading?.message == error?.message)
    }

    @Test(arguments: TestDatabase.all)
    func prepareDoesOnlyWhatTheDatabaseNeeds(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        _ = try await engine.driver.dropDatabase(db.settings, logger: Logger(label: "test"))

        // Missing: built.
        #expect(try await reset(db).preparationStep() == .reset(reason: "it does not exist"))
        guard case .reset(let built, _) = try await reset(db).prepare() else { Issue.record("a missing database was not built"); return }
        #expect(built.applied.count == 2)

        // Current: nothing, and the data stays.
        _ = try await db.query("INSERT INTO t1 (id) VALUES (7)")
        #expect(try await reset(db).preparationStep() == .nothing)
        guard case .upToDate = try await reset(db).prepare() else { Issue.record("a current database was changed"); return }

        // Newer migrations pending: applied, the data kept.
        try db.writeTables(3...3)
        #expect(try await reset(db).preparationStep() == .migrate)
        guard case .migrated(let applied, let atomically) = try await reset(db).prepare() else { Issue.record("pending migrations were not applied"); return }
        #expect(applied.map(\.id.name) == ["table-3"])
        #expect(atomically == engine.driver.dialect.supportsTransactionalDDL)
        #expect(try await db.query("SELECT id FROM t1").count == 1)

        // A migration pending before applied ones: migrating cannot settle it, so a rebuild.
        try db.write("20250101000000", "older", up: "CREATE TABLE t0 (id INTEGER);")
        #expect(try await reset(db).preparationStep() == .reset(reason: "migration 20250101000000-older is pending before applied ones"))

        // A changed migration: rebuilt, and the data is gone.
        try FileManager.default.removeItem(atPath: db.migrationsPath + "/20250101000000-older.sql")
        try db.write("20250101000001", "table-1", up: "CREATE TABLE t1 (id INTEGER, note TEXT);", down: "DROP TABLE t1;")
        #expect(try await reset(db).preparationStep() == .reset(reason: "migration 20250101000001-table-1 is changed"))
        guard case .reset(let rebuilt, _) = try await reset(db).prepare() else { Issue.record("a changed migration did not rebuild"); return }
        #expect(rebuilt.dropped)
        #expect(try await db.query("SELECT id, note FROM t1").isEmpty)
        #expect(try await db.historyVersions() == (1...3).map { "2025010100000\($0)" })
    }

    @Test(arguments: TestDatabase.all)
    func prepareRefusesADatabaseStrataDidNotBuild(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...1)
        _ = try await engine.driver.createDatabase(db.settings, logger: Logger(label: "test"))
        _ = try await db.query("CREATE TABLE legacy (id INTEGER)")
        let error = await #expect(throws: StrataError.self) { try await reset(db).prepare() }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("it has tables (legacy) but no migration history") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("strata baseline") == true)
        #expect(try await db.hasTable("legacy"))
        #expect(try await !db.hasTable("t1"))
    }

    /// While another run holds the lock and is part-way through a migration, `prepare`
    /// refuses — it neither waits on nor drops a database being migrated — and changes nothing.
    @Test(arguments: TestDatabase.all)
    func prepareRefusesWhileAnotherRunIsMigrating(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "half", up: "CREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);",
                     upOptions: "transaction:false")
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)

        let error = await #expect(throws: StrataError.self) { try await reset(db).prepare() }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("another run is migrating it now (migration 20250101000001-half)") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("Wait for that run to finish") == true)
        #expect(try await db.hasTable("half"), "nothing was dropped")
        #expect(try await db.migrator().status().first?.state == .running)

        try await holder.releaseMigrationLock(key: "strata:strata_migrations")
        await holder.close()
    }
}

/// Templates: a reset keeps the database it built, and the next reset at the same
/// migrations clones it — on SQLite and on PostgreSQL (a database of its own, not a schema);
/// MySQL has none.
@Suite struct DatabaseTemplateTests {
    @Test(arguments: TestDatabase.all)
    func aResetClonesTheTemplateKeptForTheSameMigrations(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        // A database of its own: a PostgreSQL schema shares its database, which has no template.
        let settings = engine.server == nil ? db.settings : try engine.unusedDatabase()
        let logger = Logger(label: "test")
        let templates = engine.driver.databaseTemplates(settings, logger: logger)
        #expect((templates == nil) == (engine.driver.dialect.name == "mysql"))
        #expect(engine.driver.databaseTemplates(db.settings, logger: logger) == nil || engine.server == nil, "a schema has no template")
        let reset = { (usesTemplates: Bool) throws -> DatabaseReset in
            let migrations = try MigrationDirectory(path: db.migrationsPath, syntax: engine.driver.dialect.syntax).load()
            let migrator = Migrator(migrations: migrations, connect: { try await engine.driver.connect(settings, for: $0, logger: logger) })
            return DatabaseReset(migrator: migrator, driver: engine.driver, settings: settings, logger: logger, dump: nil, usesTemplates: usesTemplates)
        }
        let query = { (sql: String) async throws -> [DatabaseRow] in try await queryOnce(sql, on: engine.driver.connect(settings, logger: logger)) }
        // The database and the templates kept are removed at the end, whatever happens.
        let kept = TransactionLog()
        let cleanUp = { @Sendable () async in
            _ = try? await engine.driver.dropDatabase(settings, logger: logger)
            for template in kept.take() { await Self.remove(template, engine: engine, settings: settings) }
        }
        do {
            try await exercise(reset: reset, query: query, templates: templates, kept: kept, db: db, engine: engine, settings: settings)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    private func exercise(
        reset: (Bool) throws -> DatabaseReset, query: (String) async throws -> [DatabaseRow], templates: DatabaseTemplates?,
        kept: TransactionLog, db: FreshDatabase, engine: TestDatabase, settings: ConnectionSettings
    ) async throws {
        try db.writeTables(1...3)

        let built = try await reset(true).reset()
        #expect(built.clonedTemplate == nil)
        #expect(built.applied.count == 3)
        #expect((built.savedTemplate != nil) == (templates != nil), "\(built.templateNotSaved ?? "")")
        if let saved = built.savedTemplate { kept.append(saved) }
        _ = try await query("INSERT INTO t1 (id) VALUES (7)")

        let cloned = try await reset(true).reset()
        #expect(cloned.clonedTemplate == built.savedTemplate)
        #expect(cloned.migrationCount == 3)
        #expect(cloned.applied.isEmpty == (templates != nil))
        #expect(try await query("SELECT id FROM t1").isEmpty, "the template holds no data written after it was kept")
        #expect(try await query("SELECT version FROM strata_migrations").count == 3)

        // A new migration: another fingerprint, so the database is built and kept afresh, and
        // the old template goes.
        try db.writeTables(4...4)
        let rebuilt = try await reset(true).reset()
        #expect(rebuilt.templateNotSaved == nil, "\(rebuilt.templateNotSaved ?? "")")
        #expect(rebuilt.clonedTemplate == nil)
        #expect(rebuilt.applied.count == 4)
        if let saved = rebuilt.savedTemplate {
            kept.append(saved)
            #expect(saved != built.savedTemplate)
            #expect(try await templates?.exists(DatabaseReset.fingerprint(of: reset(true).migrator)) == true)
            #expect(try await !Self.exists(try #require(built.savedTemplate), engine: engine, settings: settings), "the older template was removed")
        }
        let without = try await reset(false).reset()
        #expect(without.clonedTemplate == nil && without.savedTemplate == nil)
        #expect(without.applied.count == 4)
        // `db drop` removes the templates left: the one kept last.
        if let templates {
            #expect(try await templates.removeAll() == [try #require(rebuilt.savedTemplate)])
            #expect(try await templates.removeAll().isEmpty)
        }
    }

    /// Whether the template at `location` (a file, a database) exists.
    private static func exists(_ location: String, engine: TestDatabase, settings: ConnectionSettings) async throws -> Bool {
        guard engine.server != nil else { return FileManager.default.fileExists(atPath: location) }
        var maintenance = settings
        maintenance.database = "postgres"
        return try await !queryOnce("SELECT 1 FROM pg_database WHERE datname = '\(location)'", on: engine.driver.connect(maintenance, logger: Logger(label: "test"))).isEmpty
    }

    private static func remove(_ location: String, engine: TestDatabase, settings: ConnectionSettings) async {
        guard engine.server != nil else {
            try? FileManager.default.removeItem(atPath: location)
            return
        }
        var maintenance = settings
        maintenance.database = "postgres"
        _ = try? await queryOnce("DROP DATABASE IF EXISTS \"\(location)\"", on: engine.driver.connect(maintenance, logger: Logger(label: "test")))
    }
}

extension DatabaseTemplateTests {
    /// A session left connected to a PostgreSQL test database (a crashed test run, a console)
    /// does not make `db reset` fail: the drop ends it.
    @Test func aResetEndsTheSessionsStillConnectedToAPostgreSQLDatabase() async throws {
        guard ServerEnvironment.postgresWanted else { return }
        let engine = TestDatabase.postgres
        let settings = try engine.unusedDatabase()
        let logger = Logger(label: "test")
        _ = try await engine.driver.createDatabase(settings, logger: logger)
        let lingering = try await engine.driver.connect(settings, logger: logger)
        let migrator = Migrator(migrations: [], connect: { try await engine.driver.connect(settings, for: $0, logger: logger) })
        let outcome = try await DatabaseReset(migrator: migrator, driver: engine.driver, settings: settings, logger: logger, dump: nil, usesTemplates: false).reset()
        #expect(outcome.dropped)
        // The session was ended; the database is the new one, to which nobody else is connected.
        var maintenance = settings
        maintenance.database = "postgres"
        let sessions = try await queryOnce(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = '\(settings.database ?? "")' AND pid <> pg_backend_pid()",
            on: engine.driver.connect(maintenance, logger: logger)
        )
        #expect(sessions.first?["n"].integer == 0)
        await lingering.close()
        #expect(try await engine.driver.dropDatabase(settings, logger: logger))
    }
}

extension DatabaseTemplateTests {
    /// Saving a template needs the database to itself. A session of Strata's own left idle
    /// (a close that never reached the server) is ended after five seconds; anyone else's is
    /// waited for up to fifteen and then named in the failure, and left alone.
    @Test func savingATemplateEndsStratasIdleSessionsAndNamesAnyoneElses() async throws {
        guard ServerEnvironment.postgresWanted else { return }
        let engine = TestDatabase.postgres
        let logger = Logger(label: "test")
        let settings = try engine.unusedDatabase()
        let templates = try #require(engine.driver.databaseTemplates(settings, logger: logger))
        _ = try await engine.driver.createDatabase(settings, logger: logger)
        let ours = try await engine.driver.connect(settings, logger: logger)
        let theirs = try await engine.driver.connect(settings, logger: logger)
        try await theirs.execute("SET application_name = 'someone-else'")
        let theirPID = try await theirs.query("SELECT pg_backend_pid() AS pid", []).first?["pid"].integer ?? 0
        let refused = await #expect(throws: StrataError.self) { try await templates.save(String(repeating: "ab", count: 32)) }
        #expect(refused?.message.contains("1 other sessions are still connected to \(settings.database ?? "") after 15 s: pid \(theirPID) (someone-else, idle") == true,
                "\(refused?.message ?? "")")
        #expect(refused?.message.contains("--no-template") == true)
        #expect(try await theirs.query("SELECT 1 AS one", []).first?["one"].integer == 1, "another's session is left alone")
        await theirs.close()
        let ended = await #expect(throws: (any Error).self) { _ = try await ours.query("SELECT 1", []) }
        #expect(ended != nil, "Strata's own idle session was ended")
        await ours.close()

        let fingerprint = String(repeating: "cd", count: 32)
        try await templates.save(fingerprint)
        #expect(try await templates.exists(fingerprint))
        #expect(try await templates.removeAll().count == 1)
        #expect(try await engine.driver.dropDatabase(settings, logger: logger))
    }

    /// Saving a database's template removes its older templates, never those of another
    /// database whose name starts alike (`app` and `app_x`).
    @Test func savingATemplateKeepsTheTemplatesOfADatabaseNamedAlike() async throws {
        guard ServerEnvironment.postgresWanted else { return }
        let engine = TestDatabase.postgres
        let logger = Logger(label: "test")
        let short = try engine.unusedDatabase()
        var long = short
        long.database = (short.database ?? "") + "_x"
        let fingerprint = String(repeating: "ab", count: 32)
        let templates = try #require(engine.driver.databaseTemplates(short, logger: logger))
        let others = try #require(engine.driver.databaseTemplates(long, logger: logger))
        for settings in [short, long] { _ = try await engine.driver.createDatabase(settings, logger: logger) }
        do {
            try await others.save(fingerprint)
            try await templates.save(fingerprint)
            try await templates.save(String(repeating: "cd", count: 32))
            #expect(try await others.exists(fingerprint), "another database's template was removed")
            #expect(try await !templates.exists(fingerprint), "the older template was kept")
        } catch {
            Issue.record(error)
        }
        for settings in [short, long] {
            _ = try? await engine.driver.dropDatabase(settings, logger: logger)
            for location in [fingerprint, String(repeating: "cd", count: 32)].compactMap({ engine.driver.databaseTemplates(settings, logger: logger)?.location($0) }) {
                var maintenance = settings
                maintenance.database = "postgres"
                _ = try? await queryOnce("DROP DATABASE IF EXISTS \"\(location)\"", on: engine.driver.connect(maintenance, logger: logger))
            }
        }
    }
}

extension DatabaseTemplateTests {
    /// A database built correctly but not kept as a template (here: SQLite, a database file
    /// whose template's name would pass the file system's 255 bytes) is a warning, not a
    /// failure: the reset's database is ready, the outcome says why, no partial copy is
    /// left, and the next reset builds the database again.
    @Test func aTemplateThatCannotBeKeptLeavesTheDatabaseReadyAndSaysWhy() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let folder = db.files.path + "/long"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let settings = {
            var settings = db.settings
            // 230 bytes is a valid file name; with `.` + `.strata-template-` and 16 digits, 264 is not.
            settings.storage = folder + "/" + String(repeating: "d", count: 222) + ".sqlite3"
            return settings
        }()
        try db.writeTables(1...2)
        let logger = Logger(label: "test")
        let reset = { () throws -> DatabaseReset in
            let migrations = try MigrationDirectory(path: db.migrationsPath, syntax: db.engine.driver.dialect.syntax).load()
            let migrator = Migrator(migrations: migrations, connect: { try await db.engine.driver.connect(settings, for: $0, logger: logger) })
            return DatabaseReset(migrator: migrator, driver: db.engine.driver, settings: settings, logger: logger, dump: nil, usesTemplates: true)
        }

        for _ in 1...2 {
            let outcome = try await reset().reset()
            #expect(outcome.savedTemplate == nil)
            #expect(outcome.clonedTemplate == nil, "no template was kept to clone")
            #expect(outcome.applied.count == 2)
            let reason = try #require(outcome.templateNotSaved)
            #expect(reason.hasPrefix("Cannot copy \(settings.storage ?? "")") && reason.contains(".strata-template-"), "\(reason)")
            let history = try await queryOnce("SELECT version FROM strata_migrations ORDER BY version", on: db.engine.driver.connect(settings, logger: logger))
            #expect(history.compactMap { $0["version"].text } == ["20250101000001", "20250101000002"])
            let left = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(!left.contains { $0.contains("strata-template") }, "no partial template is left: \(left)")
        }
    }
}
