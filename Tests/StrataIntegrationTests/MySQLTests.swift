#if MySQL
import CMariaDB
#endif
import Foundation
import Logging
import Strata
@testable import StrataMySQL
import Testing

/// MySQL/MariaDB behaviours beyond the shared conformance suites: utf8mb4 and multi-statement
/// calls, and dirty migrations when DDL commits implicitly (a failing statement, a killed process).
@Suite(.enabled(if: ServerEnvironment.mysqlWanted, "MySQL tests are skipped: STRATA_MYSQL_URL is not set (scripts/test starts MariaDB and sets it)"))
struct MySQLTests {
    /// A session holding a lock on a table of a database that is being dropped makes the drop
    /// fail after `dropLockWait` seconds, not wait for as long as the server allows (a year).
    @Test func droppingADatabaseGivesUpOnALockInsteadOfWaiting() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        _ = try await db.query("CREATE TABLE held (id INTEGER PRIMARY KEY)")
        let holder = try await db.connect()
        try await holder.beginTransaction()
        _ = try await holder.query("SELECT * FROM held", [])
        let driver = MySQLDriver(dropLockWait: 1)
        let error = await #expect(throws: StrataError.self) { try await driver.dropDatabase(db.settings, logger: Logger(label: "test")) }
        #expect(error?.message.contains("Lock wait timeout") == true, "\(String(describing: error))")
        try await holder.rollbackTransaction()
        await holder.close()
        #expect(try await driver.dropDatabase(db.settings, logger: Logger(label: "test")))
    }

    @Test func serverIsMariaDBWithUTF8MB4() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let rows = try await db.query("SELECT VERSION() AS version, @@character_set_client AS charset, @@time_zone AS zone")
        #expect(rows.first?["version"].text?.hasPrefix("10.11") == true)
        #expect(rows.first?["charset"].text == "utf8mb4")
        #expect(rows.first?["zone"].text == "+00:00")
        _ = try await db.query("CREATE TABLE emoji (t VARCHAR(50)) CHARACTER SET utf8mb4")
        let connection = try await db.connect()
        _ = try await connection.query("INSERT INTO emoji VALUES (?)", [.text("🦫 'it''s' \\ \"q\"")])
        let stored = try await connection.query("SELECT t FROM emoji", [])
        await connection.close()
        #expect(stored.first?["t"].text == "🦫 'it''s' \\ \"q\"")

        // Several statements in one call run in turn; every result is drained.
        _ = try await db.query("INSERT INTO emoji VALUES ('a'); INSERT INTO emoji VALUES ('b'); SELECT 1")
        #expect(try await db.query("SELECT COUNT(*) AS n FROM emoji").first?["n"].integer == 3)
    }

    @Test func aRecordCommittedWithTheNextTransactionBegunKeepsOnlyWhatItCommitted() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        _ = try await db.query("CREATE TABLE kept (id INTEGER) ENGINE=InnoDB")
        let connection = try await db.connect()
        defer { Task { await connection.close() } }
        try await connection.executeAllAndCommit(
            [SQLStatement(text: "INSERT INTO kept VALUES (?)", line: 1, binds: [.integer(1)])], startingTransaction: true, beginningNext: true
        )
        // The next transaction is open, with the session's defaults: what runs in it rolls back.
        try await connection.execute("INSERT INTO kept VALUES (2)")
        #expect(try await connection.query("SELECT @@in_transaction AS open", []).first?["open"].integer == 1)
        try await connection.rollbackTransaction()
        #expect(try await db.query("SELECT id FROM kept").compactMap { $0["id"].integer } == [1])
    }

    @Test func thirdOfFourStatementsFailingLeavesADirtyMigrationWithItsProgress() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let path = try db.write("20250101000001", "four-steps", up: """
            CREATE TABLE accounts (id INT PRIMARY KEY);
            ALTER TABLE accounts ADD COLUMN email VARCHAR(100);
            ALTER TABLE acounts ADD COLUMN status VARCHAR(20);
            CREATE INDEX accounts_email ON accounts (email);
            """, down: "DROP TABLE accounts;")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("failed at \(path):4: Table '\(db.settings.database ?? "")." + "acounts' doesn't exist (1146)") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("2 of its 4 statements ran and stay applied (mysql commits DDL implicitly)") == true)

        let entry = try #require(try await db.migrator().status().first)
        #expect(entry.state == .dirty)
        #expect(entry.progress?.statementsDone == 2)
        #expect(entry.progress?.failedLine == 4)
        #expect(entry.progress?.error?.contains("(1146)") == true)
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(refused?.code == .refused)
        #expect(refused?.hint?.contains("strata migrate --resume") == true)

        // Fix the third statement and resume: the first two are not run again.
        try db.write("20250101000001", "four-steps", up: """
            CREATE TABLE accounts (id INT PRIMARY KEY);
            ALTER TABLE accounts ADD COLUMN email VARCHAR(100);
            ALTER TABLE accounts ADD COLUMN status VARCHAR(20);
            CREATE INDEX accounts_email ON accounts (email);
            """, down: "DROP TABLE accounts;")
        let resumed = try await db.migrator().migrate(.init(resume: true))
        #expect(resumed.count == 1)
        let columns = try await db.query("SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'accounts' ORDER BY ordinal_position")
        #expect(columns.compactMap { $0["c"].text } == ["id", "email", "status"])
        #expect(try await db.migrator().status().map(\.state) == [.applied])
    }

    @Test func processKilledMidMigrationIsDetectedAsDirty() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let directory = try db.project([("20250101000001", "slow", "CREATE TABLE slow (id INT);\nDO SLEEP(60);\nCREATE TABLE never (id INT);")])
        defer { directory.remove() }

        let started = try StrataProcess.start(["migrate"], in: directory.path, environment: db.projectConfiguration().environment)
        // Wait until the first statement has been recorded as done.
        let deadline = Date().addingTimeInterval(120)
        var done: Int64?
        while Date() < deadline {
            if try await db.hasTable("strata_migrations_progress"),
               let value = try await db.query("SELECT statements_done AS d FROM strata_migrations_progress").first?["d"].integer, value >= 1 {
                done = value
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(done == 1)
        kill(started.0.processIdentifier, SIGKILL)
        let result = await StrataProcess.finish(started)
        #expect(result.status == SIGKILL)
        // Until the server ends the killed client's session (it notices within the sleep),
        // that session holds the lock and status rightly says the migration is running.
        let observer = try await db.connect()
        let released = try await eventually(within: 120) { try await observer.migrationLockHolder(key: "strata:strata_migrations") == nil }
        await observer.close()
        #expect(released)

        let status = try await db.strata(["status", "--json"], in: directory)
        #expect(status.stdout.contains("\"state\":\"dirty\""), "\(status)")
        #expect(status.stdout.contains("\"statements_done\":1"))
        let human = try await db.strata(["status"], in: directory)
        #expect(human.stdout.contains("stopped after 1 of 3 statements while being applied (the process ended during or just after statement 2)"), "\(human)")
        // The killed run's lock died with its connection: the next run is refused for the dirty migration, not for the lock.
        let refused = try await db.strata(["migrate", "--lock-timeout", "5"], in: directory)
        #expect(refused.status == 5, "\(refused)")
        #expect(refused.stderr.contains("strata resolve 20250101000001 --rolled-back"))

        _ = try await db.query("DROP TABLE slow")
        let resolved = try await db.strata(["resolve", "20250101000001", "--rolled-back"], in: directory)
        #expect(resolved.status == 0, "\(resolved)")
        #expect(resolved.stdout.contains("it is now pending"))
        let pending = try await db.strata(["status", "--exit-code"], in: directory)
        #expect(pending.status == 3, "\(pending)")
    }

    /// The server ends Strata's connection while statement 2 runs (`KILL CONNECTION`, as a
    /// restart or a failover would): the migration stays dirty after statement 1, and the
    /// message says the connection was lost, that statement 2's outcome is unknown, and how
    /// to go on after it.
    @Test func aConnectionLostMidMigrationSaysTheStatementsOutcomeIsUnknown() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let directory = try db.project([("20250101000001", "slow", "CREATE TABLE first_step (id INT);\nSELECT SLEEP(60);\nCREATE TABLE never (id INT);")])
        defer { directory.remove() }
        let started = try StrataProcess.start(["migrate"], in: directory.path, environment: db.projectConfiguration().environment)
        let sleeping = try await eventually(within: 120) {
            try await db.query("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'").first?["n"].integer == 1
        }
        try #require(sleeping, "the run did not reach its second statement")
        let sessions = try await db.query("SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'")
        for session in sessions { _ = try await db.query("KILL CONNECTION \(session["id"].integer ?? 0)") }
        let result = await StrataProcess.finish(started)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("(2013)"), "\(result)")
        #expect(result.stderr.contains("The connection to the database server was lost (a restart, a failover?) while statement 2 ran: whether it ran is unknown"), "\(result)")
        #expect(result.stderr.contains("strata migrate --resume --from-statement 3"), "\(result)")
        #expect(try await db.query("SELECT statements_done AS d FROM strata_migrations_progress").first?["d"].integer == 1)
        #expect(!(try await db.hasTable("never")))
    }

    /// A run killed while its first statement runs on the server: the statement completes
    /// there, but the progress says nothing was done. Resuming runs it again, which fails
    /// because it ran. The migration must stay dirty — never be reported as "nothing applied"
    /// with its record dropped — and `--from-statement 2` must carry on after it.
    @Test func aRunKilledDuringItsFirstStatementStaysDirtyWhenTheResumeFails() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        // Statement 1 waits for a lock this test holds, so the run is killed while it runs,
        // whatever the machine's load; released, it completes on the server.
        let hold = "strata_test_hold_" + UUID().uuidString.prefix(8).lowercased()
        let directory = try db.project([("20250101000001", "three-steps", """
            CREATE TABLE k_11 AS SELECT GET_LOCK('\(hold)', 60) AS pause;
            CREATE INDEX k_11_pause ON k_11 (pause);
            INSERT INTO k_11 (pause) VALUES (1);
            """)])
        defer { directory.remove() }
        let holder = try await db.connect()
        defer { Task { await holder.close() } }
        #expect(try await holder.query("SELECT GET_LOCK('\(hold)', 10) AS taken", []).first?["taken"].integer == 1)
        func statementRunning() async throws -> Bool {
            try await !holder.query("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE TABLE k\\_11%'", []).isEmpty
        }

        let started = try StrataProcess.start(["migrate"], in: directory.path, environment: db.projectConfiguration().environment)
        var deadline = Date().addingTimeInterval(120)
        while try await !statementRunning(), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await statementRunning())
        kill(started.0.processIdentifier, SIGKILL)
        #expect(await StrataProcess.finish(started).status == SIGKILL)
        // The server finishes the statement the killed client sent.
        _ = try await holder.query("SELECT RELEASE_LOCK('\(hold)') AS released", [])
        deadline = Date().addingTimeInterval(120)
        while try await statementRunning(), Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await db.hasTable("k_11"))

        let status = try await db.strata(["status"], in: directory)
        #expect(status.stdout.contains("stopped after 0 of 3 statements while being applied (the process ended during or just after statement 1)"), "\(status)")
        #expect(try await db.strata(["migrate"], in: directory).status == 5)

        let resumed = try await db.strata(["migrate", "--resume"], in: directory)
        #expect(resumed.status == 1, "\(resumed)")
        #expect(resumed.stderr.contains("Table 'k_11' already exists (1050)"), "\(resumed)")
        #expect(resumed.stderr.contains("it probably ran before that run stopped"), "\(resumed)")
        #expect(resumed.stderr.contains("strata migrate --resume --from-statement 2"), "\(resumed)")
        #expect(!resumed.stderr.contains("Nothing of this migration was applied"), "\(resumed)")
        // Still dirty, with the failure recorded; still no history.
        let json = try await db.strata(["status", "--json"], in: directory)
        #expect(json.stdout.contains("\"state\":\"dirty\""), "\(json)")
        #expect(try await db.historyVersions().isEmpty)
        #expect(try await db.strata(["migrate"], in: directory).status == 5)

        let finished = try await db.strata(["migrate", "--resume", "--from-statement", "2"], in: directory)
        #expect(finished.status == 0, "\(finished)")
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await db.query("SELECT COUNT(*) AS n FROM k_11").first?["n"].integer == 2)
        let index = try await db.query("SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'k_11'")
        #expect(index.compactMap { $0["name"].text } == ["k_11_pause"])
    }

    /// A finished migration's history row, the removal of its progress row and the next
    /// migration's progress row go to the server in one request with their begin and commit:
    /// when the last of them fails, the others roll back with it. The migration, whose DDL
    /// committed by itself, is left dirty, not half-recorded.
    @Test func aFailingBookkeepingStatementRollsBackTheWholeRecord() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "first", up: "CREATE TABLE first (id INT);", down: "DROP TABLE first;")
        _ = try await db.migrator().migrate()
        _ = try await db.query("""
            CREATE TRIGGER refuse_third BEFORE INSERT ON strata_migrations_progress FOR EACH ROW             BEGIN IF NEW.version = '20250101000003' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF; END
            """)
        try db.write("20250101000002", "second", up: "CREATE TABLE second (id INT);", down: "DROP TABLE second;")
        try db.write("20250101000003", "third", up: "CREATE TABLE third (id INT);", down: "DROP TABLE third;")

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("refused by the test") == true, "\(error?.message ?? "")")
        #expect(try await db.hasTable("second"))
        #expect(try await !db.hasTable("third"))
        let history = try await db.query("SELECT version FROM strata_migrations ORDER BY version")
        #expect(history.compactMap { $0["version"].text } == ["20250101000001"])
        let progress = try await db.query("SELECT version FROM strata_migrations_progress ORDER BY version")
        #expect(progress.compactMap { $0["version"].text } == ["20250101000002"])
        #expect(try await db.migrator().status().map(\.state) == [.applied, .dirty, .pending])

        // Its statement ran: resolved as applied, the run goes on to the third.
        _ = try await db.query("DROP TRIGGER refuse_third")
        _ = try await db.migrator().resolve(try #require(MigrationReference("20250101000002")), as: .applied)
        #expect(try await db.migrator().migrate().count == 1)
        #expect(try await db.migrator().status().map(\.state) == [.applied, .applied, .applied])
    }

    #if MySQL
    /// The connector is opened when the driver first connects, not linked: where it cannot be
    /// found, a run says which file it tried and how to install it, and changes nothing.
    @Test func aConnectorThatCannotBeLoadedIsNamedWithHowToInstallIt() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let directory = try db.project([("20250101000001", "one", "CREATE TABLE one (id INT);")])
        defer { directory.remove() }
        let missing = directory.path + "/no-such/libmariadb.so.3"
        var environment = db.projectConfiguration().environment
        environment[MariaDBLibrary.pathVariable] = missing

        let result = try await StrataProcess.run(["migrate"], in: directory.path, environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Cannot load the MariaDB Connector/C, which the MySQL driver uses: \(missing): cannot open shared object file"), "\(result)")
        #expect(result.stderr.contains("apt-get install libmariadb3"))
        #expect(result.stderr.contains("set STRATA_MARIADB_LIBRARY to the path of its library file"))
        #expect(try await !db.hasTable("strata_migrations"))
        #expect(try await !db.hasTable("one"))

        // The same run with the variable naming the real library applies the migration.
        environment[MariaDBLibrary.pathVariable] = "libmariadb.so.3"
        let applied = try await StrataProcess.run(["migrate"], in: directory.path, environment: environment)
        #expect(applied.status == 0, "\(applied)")
        #expect(try await db.hasTable("one"))
    }

    /// The first candidate that loads is used; each one that does not is named in the error.
    @Test func theConnectorIsLoadedFromTheFirstCandidateThatLoads() throws {
        let api = try MariaDBLibrary.load(candidates: ["/no-such/libmariadb.so.3", "libmariadb.so.3"]).get()
        let handle = try #require(api.mysql_init(nil), "the loaded functions work")
        #expect(api.mysql_errno(handle) == 0)
        api.mysql_close(handle)
        let failure = MariaDBLibrary.load(candidates: ["/no-such/a.so", "/no-such/b.so"])
        guard case .failure(let error) = failure else {
            Issue.record("loading two missing files succeeded")
            return
        }
        #expect(error.code == .configuration)
        #expect(error.message.contains("/no-such/a.so: cannot open shared object file"))
        #expect(error.message.contains("/no-such/b.so: cannot open shared object file"))
        // A library that is not the connector: found, but without its functions.
        let wrong = MariaDBLibrary.load(candidates: ["libz.so.1"])
        guard case .failure(let notConnector) = wrong else {
            Issue.record("libz loaded as the connector")
            return
        }
        #expect(notConnector.message.contains("undefined symbol: mysql_server_init"), "\(notConnector.message)")
    }
    #endif
}

/// Without the MySQL trait, a mysql:// environment says how to get MySQL support.
@Suite struct MySQLWithoutTraitTests {
    @Test(.enabled(if: !MySQLDriver.isAvailable, "this build has the MySQL trait"))
    func connectingExplainsHowToBuildWithMySQL() async throws {
        let error = await #expect(throws: StrataError.self) {
            _ = try await MySQLDriver().connect(try DatabaseURL.parse("mysql://app:hunter2@db.example.com/app"), logger: Logger(label: "test"))
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("built without MySQL support") == true)
        #expect(error?.hint?.contains("swift build --traits MySQL") == true)
        #expect(error?.description.contains("hunter2") == false)
    }
}
