import Foundation
import Logging
import Strata
import Testing

/// The behaviours every driver must show, written once and run against each engine in
/// ``TestDatabase/all``.
@Suite struct ConformanceTests {
    /// A progress row is a running migration while a run holds the lock, and dirty once none
    /// does: `status` asks who holds the lock (reading only), never reports a live run's
    /// migration dirty, and `status --exit-code` counts it as pending.
    @Test(arguments: TestDatabase.all)
    func aMigrationWhoseRunHoldsTheLockIsRunningNotDirty(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "half", up: "CREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);",
                     upOptions: "transaction:false")
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(try await db.migrator().status().first?.state == .dirty)

        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)
        let observer = try await db.connect()
        #expect(try await observer.migrationLockHolder(key: "strata:strata_migrations") != nil)
        await observer.close()
        let running = try #require(try await db.migrator().status().first)
        #expect(running.state == .running)
        #expect(running.progress?.runningSummary.contains("1 of 2 statements done") == true, "\(running.progress?.runningSummary ?? "")")
        try await holder.releaseMigrationLock(key: "strata:strata_migrations")
        await holder.close()
        #expect(try await db.migrator().status().first?.state == .dirty)
    }

    /// Where DDL is transactional, a fresh database's history and progress tables are
    /// created in one transaction: when the second cannot be created, the first is not left
    /// behind, nothing is applied, and the error names the table that failed.
    @Test(arguments: TestDatabase.all.filter { $0.driver.dialect.supportsTransactionalDDL })
    func theBookkeepingTablesAreCreatedTogether(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-one", up: "CREATE TABLE one (id INTEGER PRIMARY KEY);", down: "DROP TABLE one;")
        // Something other than a table that takes the progress table's name, so that
        // `CREATE TABLE IF NOT EXISTS strata_migrations_progress` fails.
        let blockers = [
            "sqlite": (["CREATE TABLE blocker (id INTEGER)", "CREATE INDEX strata_migrations_progress ON blocker (id)"], "DROP INDEX strata_migrations_progress"),
            "postgres": (["CREATE TYPE strata_migrations_progress AS ENUM ('blocked')"], "DROP TYPE strata_migrations_progress"),
        ]
        let (block, unblock) = try #require(blockers[engine.description], "no blocker written for \(engine)")
        let connection = try await db.connect()
        defer { Task { await connection.close() } }
        try await connection.prepareForChanges()  // PostgreSQL: the test's schema, to block in
        for statement in block { try await connection.execute(statement) }

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("Cannot create the progress table strata_migrations_progress") == true, "\(error?.message ?? "")")
        #expect(try await !connection.tableExists("strata_migrations"), "the history table was left behind without its progress table")
        #expect(try await !connection.tableExists("one"))

        try await connection.execute(unblock)
        try await db.migrator().migrate()
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await db.hasTable("strata_migrations_progress"))
    }

    @Test(arguments: TestDatabase.all)
    func existingTablesAreAskedInOneGo(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let connection = try await db.connect()
        defer { Task { await connection.close() } }
        #expect(try await connection.existingTables(["strata_migrations", "strata_migrations_progress"]).isEmpty)
        #expect(try await connection.existingTables([]).isEmpty)

        try db.write("20250101000001", "create-one", up: "CREATE TABLE one (id INTEGER PRIMARY KEY);", down: "DROP TABLE one;")
        try await db.migrator().migrate()
        try await connection.execute("CREATE TABLE strata_seeds (id INTEGER PRIMARY KEY)")
        try await connection.execute("CREATE VIEW strata_seeds_view AS SELECT id FROM strata_seeds")
        let names = ["strata_migrations", "strata_migrations_progress", "strata_seeds", "strata_seeds_view", "strata_nothing"]
        #expect(try await connection.existingTables(names) == ["strata_migrations", "strata_migrations_progress", "strata_seeds", "strata_seeds_view"])
        #expect(try await connection.tableExists("strata_seeds"))
        #expect(try await !connection.tableExists("strata_nothing"))
        // Names are matched exactly, not as patterns.
        #expect(try await connection.existingTables(["strata_%", "strata_migration_"]).isEmpty)
    }

    @Test(arguments: TestDatabase.all)
    func historyLifecycle(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let path = try db.write("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50));", down: "DROP TABLE users;")
        try db.write("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);", down: "DROP TABLE posts;")

        // status reads only: it creates no history table.
        let before = try await db.migrator().status()
        #expect(before.map(\.state) == [.pending, .pending])
        #expect(try await !db.hasTable("strata_migrations"))

        let started = Date()
        let applied = try await db.migrator().migrate()
        #expect(applied.map(\.id.description) == ["20250101000001-create-users", "20250101000002-create-posts"])
        #expect(try await db.hasTable("users"))
        #expect(try await db.hasTable("posts"))

        let rows = try await db.query("SELECT version, name, checksum, applied_at, execution_ms FROM strata_migrations ORDER BY version")
        #expect(rows.count == 2)
        let first = try #require(rows.first)
        #expect(first["version"].text == "20250101000001")
        #expect(first["name"].text == "create-users")
        #expect(first["checksum"].text == Checksum.sha256(try Data(contentsOf: URL(fileURLWithPath: path))))
        let appliedAt = try #require(first["applied_at"].date)
        #expect(abs(appliedAt.timeIntervalSince(started)) < 60)
        #expect(try #require(first["execution_ms"].integer) >= 0)

        let after = try await db.migrator().status()
        #expect(after.map(\.state) == [.applied, .applied])
        #expect(try await db.migrator().migrate().isEmpty)
    }

    @Test(arguments: TestDatabase.all)
    func undoRedoAndTargets(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        for number in 1...4 {
            try db.write("2025010100000\(number)", "table-\(number)", up: "CREATE TABLE t\(number) (id INTEGER);", down: "DROP TABLE t\(number);")
        }
        let migrator = try db.migrator()
        #expect(try await migrator.migrate(.init(step: 1)).count == 1)
        #expect(try await migrator.migrate(.init(target: MigrationReference("20250101000003"))).count == 2)
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002", "20250101000003"])

        let undone = try await migrator.undo()
        #expect(undone.map(\.id.name) == ["table-3"])
        #expect(try await !db.hasTable("t3"))

        try await migrator.migrate()
        let redone = try await migrator.redo(step: 2)
        #expect(redone.map { "\($0.direction.rawValue):\($0.id.name)" } == ["down:table-4", "down:table-3", "up:table-3", "up:table-4"])
        #expect(try await db.hasTable("t4"))

        try await migrator.undo(.to(MigrationReference("20250101000002")!))
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002"])
        try await migrator.undo(.all)
        #expect(try await db.historyVersions().isEmpty)
        for number in 1...4 { #expect(try await !db.hasTable("t\(number)")) }
    }

    @Test(arguments: TestDatabase.all)
    func failingMigrationRollsBackRecordsNothingAndStops(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "good", up: "CREATE TABLE good (id INTEGER);")
        let broken = try db.write("20250101000002", "broken", up: """
            CREATE TABLE half_done (id INTEGER);
            INSERT INTO half_done (id) VALUES (1);
            INSERT INTO no_such_table (id) VALUES (1);
            """)
        try db.write("20250101000003", "later", up: "CREATE TABLE later (id INTEGER);")

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.code == .failure)
        let message = error?.message ?? ""
        #expect(message.contains("Migration 20250101000002-broken failed at \(broken):4"), "\(message)")
        #expect(message.contains("no_such_table"))
        #expect(message.contains("Statement: INSERT INTO no_such_table (id) VALUES (1)"))
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await !db.hasTable("later"))
        let status = try await db.migrator().status()
        if engine.driver.dialect.supportsTransactionalDDL {
            // Rolled back: nothing of it is left, and it is simply pending.
            #expect(try await !db.hasTable("half_done"))
            #expect(error?.hint?.contains("Nothing of this migration was applied") == true)
            #expect(status.map(\.state) == [.applied, .pending, .pending])
        } else {
            // DDL committed implicitly: what ran stays, and the migration says so by being dirty.
            #expect(try await db.hasTable("half_done"))
            #expect(error?.hint?.contains("2 of its 3 statements ran and stay applied") == true, "\(error?.hint ?? "")")
            #expect(status.map(\.state) == [.applied, .dirty, .pending])
            #expect(status[1].progress?.statementsDone == 2)
            #expect(status[1].progress?.failedLine == 4)
        }
    }

    @Test(arguments: TestDatabase.all)
    func transactionFalseFailureLeavesADirtyMigrationThatIsRefusedUntilResolved(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "no-transaction", up: "CREATE TABLE plain (id INTEGER);\nCREATE INDEX plain_id ON plain (id);",
                     down: "DROP TABLE plain;", upOptions: "transaction:false")
        try await db.migrator().migrate()
        #expect(try await db.historyVersions() == ["20250101000001"])

        let path = try db.write("20250101000002", "partial", up: """
            CREATE TABLE kept (id INTEGER);
            INSERT INTO kept (id) VALUES (1);
            INSERT INTO missing_table VALUES (1);
            INSERT INTO kept (id) VALUES (2);
            """, upOptions: "transaction:false")
        try db.write("20250101000003", "later", up: "CREATE TABLE later (id INTEGER);")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.code == .failure)
        #expect(error?.hint?.contains("2 of its 4 statements ran and stay applied (the section is marked transaction:false)") == true, "\(error?.hint ?? "")")
        #expect(error?.hint?.contains("strata resolve 20250101000002 --rolled-back") == true)
        #expect(try await db.hasTable("kept"))
        #expect(try await !db.hasTable("later"))
        #expect(try await db.historyVersions() == ["20250101000001"])

        // status shows how far it got; migrate and undo refuse.
        let dirty = try #require(try await db.migrator().status().first { $0.id.name == "partial" })
        #expect(dirty.state == .dirty)
        #expect(dirty.progress?.statementsDone == 2)
        #expect(dirty.progress?.statementsTotal == 4)
        #expect(dirty.progress?.failedLine == 4)
        #expect(dirty.progress?.error?.contains("missing_table") == true)
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains("dirty: \(path) stopped after 2 of 4 statements") == true, "\(refused?.message ?? "")")
        await #expect(throws: StrataError.self) { try await db.migrator().undo() }

        // Fix the file, leaving the statements that ran as they were, and resume.
        try db.write("20250101000002", "partial", up: """
            CREATE TABLE kept (id INTEGER);
            INSERT INTO kept (id) VALUES (1);
            INSERT INTO kept (id) VALUES (3);
            INSERT INTO kept (id) VALUES (2);
            """, upOptions: "transaction:false")
        let resumed = try await db.migrator().migrate(.init(resume: true))
        #expect(resumed.map(\.id.name) == ["partial", "later"])
        #expect(try await db.query("SELECT id FROM kept ORDER BY id").compactMap { $0["id"].integer } == [1, 2, 3])
        #expect(try await db.migrator().status().allSatisfy { $0.state == .applied })
    }

    /// A tracked migration's progress row is written by the commit that records the one
    /// before it (saving MySQL a commit per migration). When its first statement then fails,
    /// nothing of it ran: the row goes, and it is pending, not dirty.
    @Test(arguments: TestDatabase.all)
    func aMigrationAnnouncedByThePreviousOneAndFailingAtOnceIsNotDirty(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "first", up: "CREATE TABLE first_table (id INTEGER);", down: "DROP TABLE first_table;",
                     upOptions: "transaction:false", downOptions: "transaction:false")
        try db.write("20250101000002", "broken", up: "INSERT INTO missing_table VALUES (1);\nCREATE TABLE never (id INTEGER);",
                     upOptions: "transaction:false")
        try db.write("20250101000003", "after", up: "CREATE TABLE after_table (id INTEGER);", upOptions: "transaction:false")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("missing_table") == true, "\(error?.message ?? "")")
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await db.query("SELECT version FROM strata_migrations_progress").isEmpty)
        let states = try await db.migrator().status().map { "\($0.id.name) \($0.state)" }
        #expect(states == ["first applied", "broken pending", "after pending"])

        // Fixed, the three apply in one run, each announcing the next; undo goes back the same way.
        try db.write("20250101000002", "broken", up: "CREATE TABLE never (id INTEGER);", down: "DROP TABLE never;",
                     upOptions: "transaction:false", downOptions: "transaction:false")
        try db.write("20250101000003", "after", up: "CREATE TABLE after_table (id INTEGER);", down: "DROP TABLE after_table;",
                     upOptions: "transaction:false", downOptions: "transaction:false")
        #expect(try await db.migrator().migrate().map(\.id.name) == ["broken", "after"])
        #expect(try await db.migrator().undo(.all).map(\.id.name) == ["after", "broken", "first"])
        #expect(try await db.historyVersions().isEmpty)
        #expect(try await db.query("SELECT version FROM strata_migrations_progress").isEmpty)
        #expect(try await !db.hasTable("first_table"))
    }

    /// The transaction that records a tracked migration also announces the next one (on
    /// MySQL in one multi-statement request). When the history row is refused there, the
    /// whole transaction rolls back: the migration whose statements ran is dirty, with the
    /// way out in the error, and the next one was never announced.
    @Test(arguments: TestDatabase.all)
    func aRefusedHistoryRowLeavesTheMigrationDirtyAndTheNextOneUnannounced(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        for (version, name) in [("20250101000001", "first"), ("20250101000002", "second"), ("20250101000003", "third")] {
            try db.write(version, name, up: "CREATE TABLE \(name)_table (id INTEGER);", down: "DROP TABLE \(name)_table;",
                         upOptions: "transaction:false")
        }
        try await db.migrator().migrate(.init(step: 1))
        let (refuse, allow): ([String], String) = switch engine.driver.dialect.name {
        case "sqlite":
            (["CREATE TRIGGER refuse_second BEFORE INSERT ON strata_migrations WHEN NEW.version = '20250101000002' "
                + "BEGIN SELECT RAISE(ABORT, 'history refused'); END"], "DROP TRIGGER refuse_second")
        case "postgres":
            (["CREATE FUNCTION refuse_second() RETURNS trigger AS $$ BEGIN IF NEW.version = '20250101000002' THEN "
                + "RAISE EXCEPTION 'history refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
              "CREATE TRIGGER refuse_second BEFORE INSERT ON strata_migrations FOR EACH ROW EXECUTE FUNCTION refuse_second()"],
             "DROP TRIGGER refuse_second ON strata_migrations")
        default:
            (["CREATE TRIGGER refuse_second BEFORE INSERT ON strata_migrations FOR EACH ROW BEGIN IF NEW.version = '20250101000002' "
                + "THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'history refused'; END IF; END"], "DROP TRIGGER refuse_second")
        }
        for statement in refuse { _ = try await db.query(statement) }

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("history refused") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("strata resolve 20250101000002") == true, "\(error?.hint ?? "")")
        #expect(try await db.hasTable("second_table"))
        #expect(try await !db.hasTable("third_table"))
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await db.query("SELECT version FROM strata_migrations_progress").compactMap { $0["version"].text } == ["20250101000002"])
        let states = try await db.migrator().status().map { "\($0.id.name) \($0.state)" }
        #expect(states == ["first applied", "second dirty", "third pending"])

        // As the error says: the statements ran, so settle it as applied; the run goes on.
        _ = try await db.query(allow)
        try await db.migrator().resolve(MigrationReference("20250101000002")!, as: .applied)
        #expect(try await db.migrator().migrate().map(\.id.name) == ["third"])
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002", "20250101000003"])
    }

    @Test(arguments: TestDatabase.all)
    func dirtyMigrationsAreResolvedByHand(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let failing = "CREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);"
        try db.write("20250101000001", "first", up: failing, upOptions: "transaction:false")
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }

        // Reverted by hand: the migration is pending again.
        _ = try await db.query("DROP TABLE half")
        let rolledBack = try await db.migrator().resolve(MigrationReference("20250101000001")!, as: .rolledBack)
        #expect(rolledBack.statementsDone == 1)
        #expect(try await db.migrator().status().map(\.state) == [.pending])

        // Completed by hand: the migration is applied, with the file's checksum.
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        _ = try await db.query("CREATE TABLE missing_table (id INTEGER)")
        _ = try await db.query("INSERT INTO missing_table VALUES (1)")
        try await db.migrator().resolve(MigrationReference("20250101000001")!, as: .applied)
        #expect(try await db.migrator().status().map(\.state) == [.applied])
        #expect(try await db.historyVersions() == ["20250101000001"])

        let notDirty = await #expect(throws: StrataError.self) { try await db.migrator().resolve(MigrationReference("20250101000001")!, as: .applied) }
        #expect(notDirty?.code == .configuration)
    }

    @Test(arguments: TestDatabase.all)
    func aFailureBeforeAnyStatementRanLeavesNothingDirty(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "fails-at-once", up: "INSERT INTO missing_table VALUES (1);", upOptions: "transaction:false")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.hint?.contains("Nothing of this migration was applied") == true, "\(error?.hint ?? "")")
        #expect(try await db.migrator().status().map(\.state) == [.pending])
    }

    @Test(arguments: TestDatabase.all)
    func changedAndMissingMigrationsAreDetectedAndRefused(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let first = try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        let second = try db.write("20250101000002", "two", up: "CREATE TABLE two (id INTEGER);", down: "DROP TABLE two;")
        try await db.migrator().migrate()

        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER, extra INTEGER);", down: "DROP TABLE one;")
        try db.write("20250101000003", "three", up: "CREATE TABLE three (id INTEGER);", down: "DROP TABLE three;")
        #expect(try await db.migrator().status().map(\.state) == [.changed, .applied, .pending])
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains(first) == true)
        #expect(try await !db.hasTable("three"))

        try await db.migrator().migrate(.init(allowChanged: true))
        #expect(try await db.hasTable("three"))

        try FileManager.default.removeItem(atPath: second)
        #expect(try await db.migrator().status().map(\.state) == [.changed, .missing, .applied])
        let missing = await #expect(throws: StrataError.self) { try await db.migrator().migrate(.init(allowChanged: true)) }
        #expect(missing?.message.contains("missing: 20250101000002-two") == true)
    }

    @Test(arguments: TestDatabase.all)
    func irreversibleMigrationIsNotUndoneAndNothingChanges(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let path = try db.write("20250101000001", "forever", up: "CREATE TABLE forever (id INTEGER);", down: nil)
        try db.write("20250101000002", "undoable", up: "CREATE TABLE undoable (id INTEGER);", down: "DROP TABLE undoable;")
        try await db.migrator().migrate()

        let error = await #expect(throws: StrataError.self) { try await db.migrator().undo(.all) }
        #expect(error?.code == .refused)
        #expect(error?.message.contains(path) == true)
        // The check happens before anything runs: the undoable one is still applied too.
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002"])
        #expect(try await db.hasTable("undoable"))
    }

    @Test(arguments: TestDatabase.all)
    func skipIfGuardSkipsAStatement(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "guarded", up: """
            CREATE TABLE guarded (id INTEGER);
            INSERT INTO guarded (id) VALUES (1);
            -- strata:skip-if SELECT 1 FROM guarded WHERE id = 1
            CREATE TABLE never_created (id INTEGER);
            -- strata:skip-if SELECT 1 FROM guarded WHERE id = 2
            CREATE TABLE created (id INTEGER);
            """)
        try await db.migrator().migrate()
        #expect(try await db.hasTable("created"))
        #expect(try await db.hasTable("never_created") == false)
    }

    @Test(arguments: TestDatabase.all)
    func badInputIsReportedBeforeAnythingRuns(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "fine", up: "CREATE TABLE fine (id INTEGER);")
        let unterminated = try db.write("20250101000002", "unterminated", up: "INSERT INTO fine (id) VALUES (1);\nSELECT 'never closed;")
        let error = #expect(throws: StrataError.self) { try db.migrator() }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("\(unterminated), line 3: an unterminated string literal") == true, "\(error?.message ?? "")")

        try FileManager.default.removeItem(atPath: unterminated)
        try "-- migrate:up\nSELECT 1;\n".write(toFile: db.migrationsPath + "/20250101000002-Bad_Name.sql", atomically: true, encoding: .utf8)
        let badName = #expect(throws: StrataError.self) { try db.migrator() }
        #expect(badName?.message.contains("20250101000002-Bad_Name.sql") == true)

        #expect(try await !db.hasTable("fine"))
        #expect(try await db.historyVersions().isEmpty)
    }

    @Test(arguments: TestDatabase.all)
    func seedersHaveTheirOwnHistoryAndShareTheMigrationLock(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-users", up: "CREATE TABLE users (name VARCHAR(50) NOT NULL);", down: "DROP TABLE users;")
        try await db.migrator().migrate()
        let seeders = [LoadedMigration(
            id: MigrationID(version: MigrationVersion("20250101000001")!, name: "admin"), checksum: "c", source: "db/seeders/admin.sql",
            up: MigrationBody(statements: [SQLStatement(text: "INSERT INTO users (name) VALUES ('admin')", line: 2)]),
            down: MigrationBody(statements: [SQLStatement(text: "DELETE FROM users", line: 4)])
        )]
        let seeder = try db.migrator(lockTimeout: .milliseconds(300)).seeding(seeders)
        // Same version as a migration, but its own timeline: it is pending.
        #expect(try await seeder.status().map(\.state) == [.pending])

        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)
        let locked = await #expect(throws: StrataError.self) { try await seeder.migrate() }
        #expect(locked?.code == .lockTimeout)
        await holder.close()

        #expect(try await seeder.migrate().count == 1)
        #expect(try await db.query("SELECT version FROM strata_seeds").compactMap { $0["version"].text } == ["20250101000001"])
        #expect(try await db.historyVersions() == ["20250101000001"])
        try await seeder.undo()
        #expect(try await db.query("SELECT COUNT(*) AS n FROM users").first?["n"].integer == 0)
        #expect(try await db.migrator().status().map(\.state) == [.applied])
    }

    @Test(arguments: TestDatabase.all)
    func databasesAreCreatedAndDropped(engine: TestDatabase) async throws {
        let settings = try engine.unusedDatabase()
        let logger = Logger(label: "test")
        #expect(try await engine.driver.createDatabase(settings, logger: logger))
        #expect(try await !engine.driver.createDatabase(settings, logger: logger))
        let connection = try await engine.driver.connect(settings, logger: logger)
        try await connection.execute("CREATE TABLE kept (id INTEGER)")
        #expect(try await connection.tableExists("kept"))
        await connection.close()

        #expect(try await engine.driver.dropDatabase(settings, logger: logger))
        #expect(try await !engine.driver.dropDatabase(settings, logger: logger))
        // Gone with its table: creating it again starts empty.
        #expect(try await engine.driver.createDatabase(settings, logger: logger))
        let fresh = try await engine.driver.connect(settings, logger: logger)
        #expect(try await !fresh.tableExists("kept"))
        await fresh.close()
        #expect(try await engine.driver.dropDatabase(settings, logger: logger))
    }

    @Test(arguments: TestDatabase.all)
    func backupThenRestoreGivesBackTheSameData(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "items", up: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items (id, name) VALUES (1, 'alpha'), (2, 'it''s'), (3, 'ünïcödé');
            """, down: "DROP TABLE items;")
        try await db.migrator().migrate()
        let logger = Logger(label: "test")
        let backups = db.files.path + "/backups"
        let manager = BackupManager(directory: backups, environment: "test", settings: db.settings)
        let path = try await manager.backup(engine.driver.backupMethod(db.settings, logger: logger))
        let name = (path as NSString).lastPathComponent
        #expect(name.hasPrefix("backup-test-"), "\(name)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: backups)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups).sorted() == [name, name + ".manifest.json"])
        let manifest = try JSONDecoder().decode(BackupManifest.self, from: try Data(contentsOf: URL(fileURLWithPath: path + ".manifest.json")))
        #expect(manifest.source == BackupIdentity(settings: db.settings, environment: "test"))
        #expect(manifest.bytes == attributes[.size] as? Int)

        _ = try await db.query("DELETE FROM items WHERE id = 2")
        _ = try await db.query("DROP TABLE items")
        let outcome = try await manager.restore(path, method: engine.driver.restoreMethod(db.settings, logger: logger),
                                                safetyCopy: { try engine.driver.backupMethod(db.settings, logger: logger) })
        let rows = try await db.query("SELECT id, name FROM items ORDER BY id")
        #expect(rows.map { "\($0["id"].integer ?? -1):\($0["name"].text ?? "")" } == ["1:alpha", "2:it's", "3:ünïcödé"])
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(outcome.hadManifest)
        // The database as it was (without items) is kept, and can itself be restored.
        let safetyCopy = try #require(outcome.safetyCopy)
        #expect((safetyCopy as NSString).lastPathComponent.hasPrefix("before-restore-test-"), "\(safetyCopy)")
        #expect((safetyCopy as NSString).deletingLastPathComponent == backups)
        _ = try await manager.restore(safetyCopy, method: engine.driver.restoreMethod(db.settings, logger: logger),
                                      safetyCopy: { try engine.driver.backupMethod(db.settings, logger: logger) })
        #expect(try await !db.hasTable("items"))

        // --keep: only the newest backups stay, each with its manifest.
        for _ in 0..<3 { _ = try await manager.backup(engine.driver.backupMethod(db.settings, logger: logger), keep: 2) }
        #expect(manager.backups().count == 2)
        let files = try FileManager.default.contentsOfDirectory(atPath: backups)
        #expect(files.filter { $0.hasPrefix("backup-") }.count == 4, "\(files)")
    }

    /// What a refused restore must leave alone: the rows, the history, the backups directory
    /// and — on SQLite — the database file's bytes and mode.
    private func restoreState(_ db: FreshDatabase, backups: String) async throws -> [String] {
        var state = try await db.query("SELECT id, name FROM items ORDER BY id").map { "\($0["id"].integer ?? -1):\($0["name"].text ?? "")" }
        state += try await db.historyVersions()
        state += ((try? FileManager.default.contentsOfDirectory(atPath: backups)) ?? []).sorted()
        if let storage = db.settings.storage {
            let attributes = try FileManager.default.attributesOfItem(atPath: storage)
            state.append("mode \(attributes[.posixPermissions] as? Int ?? -1)")
            state.append(try Checksum.sha256(fileAt: storage).sha256)
        }
        return state
    }

    @Test(arguments: TestDatabase.all)
    func restoreRefusesWhatIsNotAWholeBackupOfThisDatabaseAndTouchesNothing(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "items", up: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items (id, name) VALUES (1, 'alpha'), (2, 'beta');
            """, down: "DROP TABLE items;")
        try await db.migrator().migrate()
        let logger = Logger(label: "test")
        let backups = db.files.path + "/backups"
        let manager = BackupManager(directory: backups, environment: "test", settings: db.settings)
        let good = try await manager.backup(engine.driver.backupMethod(db.settings, logger: logger))
        // Files to try live outside the backups directory, which must not change.
        let elsewhere = try TemporaryDirectory()
        defer { elsewhere.remove() }
        _ = try await db.query("DELETE FROM items WHERE id = 2")
        if let storage = db.settings.storage { chmod(storage, 0o640) }
        let before = try await restoreState(db, backups: backups)

        func refused(_ file: String, _ expected: String, allowOtherDatabase: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let error = await #expect(throws: StrataError.self, sourceLocation: sourceLocation) {
                _ = try await manager.restore(file, method: engine.driver.restoreMethod(db.settings, logger: logger),
                                              safetyCopy: { try engine.driver.backupMethod(db.settings, logger: logger) },
                                              allowOtherDatabase: allowOtherDatabase)
            }
            #expect(error?.code == .configuration, "\(error?.description ?? "")", sourceLocation: sourceLocation)
            #expect(error?.message.contains(file) == true, "\(error?.description ?? "")", sourceLocation: sourceLocation)
            #expect(error?.message.contains(expected) == true, "\(error?.description ?? "")", sourceLocation: sourceLocation)
            #expect(try await restoreState(db, backups: backups) == before, sourceLocation: sourceLocation)
        }
        func copy(_ file: String, to name: String, withManifest: Bool) throws -> String {
            let destination = "\(elsewhere.path)/\(name)"
            try FileManager.default.copyItem(atPath: file, toPath: destination)
            if withManifest { try FileManager.default.copyItem(atPath: file + ".manifest.json", toPath: destination + ".manifest.json") }
            return destination
        }

        // Not a backup at all: text, under a backup's name and gzipped.
        let text = "\(elsewhere.path)/notes.sql"
        try "just some notes\n".write(toFile: text, atomically: true, encoding: .utf8)
        try await refused(text, "is not")
        try await ToolInvocation(["gzip"], arguments: ["-c", text]).run(output: text + ".gz")
        try await refused(text + ".gz", "is not")
        try await refused(elsewhere.path, "is a directory")

        // A backup of another engine: refused by its manifest, and by its format without one.
        let other = try #require(TestDatabase.all.first { $0.description != engine.description })
        let otherDB = try await other.fresh()
        defer { Task { await otherDB.remove() } }
        try otherDB.write("20250101000001", "items", up: "CREATE TABLE items (id INTEGER PRIMARY KEY);", down: "DROP TABLE items;")
        try await otherDB.migrator().migrate()
        let foreign = try await BackupManager(directory: otherDB.files.path + "/backups", environment: "test", settings: otherDB.settings)
            .backup(other.driver.backupMethod(otherDB.settings, logger: logger))
        try await refused(try copy(foreign, to: "foreign-with-manifest", withManifest: true), "is a backup of a \(other.driver.dialects.sorted()[0]) database")
        try await refused(try copy(foreign, to: "foreign", withManifest: false), "is not")

        // A truncated backup: refused by its manifest, and by its format (or gzip) without one.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: good)[.size] as? Int)
        let truncated = try copy(good, to: "truncated", withManifest: true)
        try FileHandle(forWritingAtPath: truncated).map { try $0.truncate(atOffset: UInt64(size * 2 / 3)); try $0.close() }
        try await refused(truncated, "is not the backup its manifest describes")
        try FileManager.default.removeItem(atPath: truncated + ".manifest.json")
        try await refused(truncated, engine.driver.dialects.contains("postgres") ? "is a damaged pg_dump archive" : "is not a complete gzip file")

        // A backup of another database of the same engine: refused unless allowed.
        let sibling = try await engine.fresh()
        defer { Task { await sibling.remove() } }
        try sibling.write("20250101000001", "items", up: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items (id, name) VALUES (7, 'sibling');
            """, down: "DROP TABLE items;")
        try await sibling.migrator().migrate()
        let siblingBackup = try await BackupManager(directory: sibling.files.path + "/backups", environment: "test", settings: sibling.settings)
            .backup(engine.driver.backupMethod(sibling.settings, logger: logger))
        try await refused(try copy(siblingBackup, to: "sibling", withManifest: true), "is a backup of \(engine.driver.dialects.sorted()[0]) database")

        // The good backup still restores, after all of that.
        _ = try await manager.restore(good, method: engine.driver.restoreMethod(db.settings, logger: logger),
                                      safetyCopy: { try engine.driver.backupMethod(db.settings, logger: logger) })
        #expect(try await db.query("SELECT id FROM items ORDER BY id").compactMap { $0["id"].integer } == [1, 2])
        if let storage = db.settings.storage {
            #expect((try FileManager.default.attributesOfItem(atPath: storage)[.posixPermissions] as? Int) == 0o640)
        }
    }

    @Test(arguments: TestDatabase.all)
    func lockExcludesOtherRunsUntilReleased(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);")
        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)

        try await withWatchdog(seconds: 120) {
            let error = await #expect(throws: StrataError.self) { try await db.migrator(lockTimeout: .milliseconds(300)).migrate() }
            #expect(error?.code == .lockTimeout)
            #expect(error?.message.contains("waiting for the migration lock") == true)
            #expect(try await db.historyVersions().isEmpty)

            try await holder.releaseMigrationLock(key: "strata:strata_migrations")
            await holder.close()
            #expect(try await db.migrator(lockTimeout: .seconds(5)).migrate().count == 1)
        }
    }

    @Test(arguments: TestDatabase.all)
    func concurrentRunsApplyEachMigrationOnce(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000000", "create-runs", up: "CREATE TABLE runs (version VARCHAR(14));")
        for number in 1...20 {
            let version = String(format: "202501020000%02d", number)
            try db.write(version, "run-\(number)", up: "INSERT INTO runs (version) VALUES ('\(version)');")
        }
        try await withWatchdog(seconds: 180) {
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await db.migrator(lockTimeout: .seconds(30)).migrate().count }
                }
                return try await group.reduce(0, +)
            }
            #expect(applied == 21)
        }
        let rows = try await db.query("SELECT version, COUNT(*) AS n FROM runs GROUP BY version")
        #expect(rows.count == 20)
        #expect(rows.allSatisfy { $0["n"].integer == 1 })
        #expect(try await db.historyVersions().count == 21)
    }
}

/// Fails the test instead of hanging when `body` takes longer than `seconds`. It catches
/// hangs, not slowness: the whole suite runs its tests in parallel, and on two cores a
/// step of a few milliseconds alone has taken ten seconds there (a 30 s limit failed every
/// full run on 2026-12-06 while the operation finished in 31 s), so limits are minutes.
func withWatchdog(seconds: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return false
        }
        let finishedInTime = try await group.next() ?? false
        group.cancelAll()
        #expect(finishedInTime, "watchdog: the operation did not finish within \(seconds) s")
    }
}
