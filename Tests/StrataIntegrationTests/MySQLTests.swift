import Foundation
import Logging
import Strata
import StrataMySQL
import Testing

/// MySQL/MariaDB behaviours beyond the shared conformance suite: dirty migrations when DDL
/// commits implicitly (a failing statement, a killed process), TLS, connection failures,
/// and the race of eight `strata migrate` processes.
@Suite(.enabled(if: ServerEnvironment.mysqlWanted, "MySQL tests are skipped: STRATA_MYSQL_URL is not set (scripts/test starts MariaDB and sets it)"))
struct MySQLTests {
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
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var url = try #require(ServerEnvironment.mysqlURL)
        url = String(url[..<(url.lastIndex(of: "/") ?? url.endIndex)]) + "/" + (db.settings.database ?? "")
        try "environments:\n  development:\n    url: \(url)\n".write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        try "-- migrate:up\nCREATE TABLE slow (id INT);\nDO SLEEP(60);\nCREATE TABLE never (id INT);\n-- migrate:down\nDROP TABLE slow;\n"
            .write(toFile: directory.path + "/db/migrations/20250101000001-slow.sql", atomically: true, encoding: .utf8)

        let started = try StrataProcess.start(["migrate"], in: directory.path)
        // Wait until the first statement has been recorded as done.
        let deadline = Date().addingTimeInterval(30)
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

        let status = try await StrataProcess.run(["status", "--json"], in: directory.path)
        #expect(status.stdout.contains("\"state\":\"dirty\""), "\(status)")
        #expect(status.stdout.contains("\"statements_done\":1"))
        let human = try await StrataProcess.run(["status"], in: directory.path)
        #expect(human.stdout.contains("stopped after 1 of 3 statements while being applied (the process stopped before it finished)"), "\(human)")
        // The killed run's lock died with its connection: the next run is refused for the dirty migration, not for the lock.
        let refused = try await StrataProcess.run(["migrate", "--lock-timeout", "5"], in: directory.path)
        #expect(refused.status == 5, "\(refused)")
        #expect(refused.stderr.contains("strata resolve 20250101000001 --rolled-back"))

        _ = try await db.query("DROP TABLE slow")
        let resolved = try await StrataProcess.run(["resolve", "20250101000001", "--rolled-back"], in: directory.path)
        #expect(resolved.status == 0, "\(resolved)")
        #expect(resolved.stdout.contains("it is now pending"))
        let pending = try await StrataProcess.run(["status", "--exit-code"], in: directory.path)
        #expect(pending.status == 3, "\(pending)")
    }

    @Test func eightConcurrentProcessesApplyFiftyMigrationsExactlyOnce() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "environments:\n  development:\n    url: mysql://\(db.settings.username ?? ""):${MYSQL_TEST_PASSWORD}@\(db.settings.host ?? ""):\(db.settings.port ?? 3306)/\(db.settings.database ?? "")\n"
            .write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        try "-- migrate:up\nCREATE TABLE runs (version VARCHAR(14) NOT NULL, connection BIGINT NOT NULL);\n"
            .write(toFile: directory.path + "/db/migrations/20250101000000-create-runs.sql", atomically: true, encoding: .utf8)
        for number in 1...49 {
            let version = String(format: "20250102%06d", number)
            try "-- migrate:up\nINSERT INTO runs VALUES ('\(version)', CONNECTION_ID());\n"
                .write(toFile: directory.path + "/db/migrations/\(version)-run-\(number).sql", atomically: true, encoding: .utf8)
        }
        let environment = ["MYSQL_TEST_PASSWORD": db.settings.password ?? ""]
        let processes = try (0..<8).map { _ in try StrataProcess.start(["migrate", "--lock-timeout", "120"], in: directory.path, environment: environment) }
        var results: [StrataProcess.Result] = []
        for process in processes { results.append(await StrataProcess.finish(process)) }
        for result in results { #expect(result.status == 0, "\(result)") }
        let reported = results.map { $0.stdout.split(separator: "\n").filter { $0.contains(": migrated (") }.count }
        #expect(reported.reduce(0, +) == 50)
        let rows = try await db.query("SELECT version, COUNT(*) AS n FROM runs GROUP BY version")
        #expect(rows.count == 49)
        #expect(rows.allSatisfy { $0["n"].integer == 1 })
        #expect(try await db.historyVersions().count == 50)
    }

    @Test func tlsModes() async throws {
        let base = try ServerEnvironment.mysqlSettings()
        let collector = LogCollector()
        let logger = Logger(label: "test") { _ in collector }

        var require = base
        require.tls = .require
        let encrypted = try await MySQLDriver().connect(require, logger: logger)
        let cipher = try await encrypted.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", [])
        await encrypted.close()
        #expect(cipher.first?["Value"].text?.isEmpty == false)
        #expect(collector.messages.contains { $0.contains("is not verified (tls: require)") })

        var disable = base
        disable.tls = .disable
        let plain = try await MySQLDriver().connect(disable, logger: logger)
        let noCipher = try await plain.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", [])
        await plain.close()
        #expect(noCipher.first?["Value"].text?.isEmpty == true)

        var verify = base
        verify.tls = .verifyFull
        let error = await #expect(throws: StrataError.self) { _ = try await MySQLDriver().connect(verify, logger: logger) }
        #expect(error?.message.contains("TLS handshake failed") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("tls: require") == true)
    }

    @Test func connectionFailuresNameHostPortAndCauseWithoutThePassword() async throws {
        let base = try ServerEnvironment.mysqlSettings()
        var refused = base
        refused.port = 1
        refused.password = "hunter2-secret"
        let refusedError = await #expect(throws: StrataError.self) { _ = try await MySQLDriver().connect(refused, logger: Logger(label: "test")) }
        #expect(refusedError?.message.contains("Cannot connect to MySQL at \(base.host ?? ""):1") == true, "\(refusedError?.message ?? "")")
        #expect(refusedError?.message.contains("connection refused") == true)

        var wrongPassword = base
        wrongPassword.password = "hunter2-secret"
        let authError = await #expect(throws: StrataError.self) { _ = try await MySQLDriver().connect(wrongPassword, logger: Logger(label: "test")) }
        #expect(authError?.message.contains("authentication failed") == true, "\(authError?.message ?? "")")

        var missingDatabase = base
        missingDatabase.database = "strata_no_such_database"
        let missingError = await #expect(throws: StrataError.self) { _ = try await MySQLDriver().connect(missingDatabase, logger: Logger(label: "test")) }
        #expect(missingError?.message.contains("database \"strata_no_such_database\" does not exist") == true, "\(missingError?.message ?? "")")

        for error in [refusedError, authError, missingError] {
            #expect(error?.description.contains("hunter2-secret") == false)
        }
    }

    @Test func lockTimeoutNamesTheHoldingConnection() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);")
        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)
        let id = try await holder.query("SELECT CONNECTION_ID() AS id", []).first?["id"].integer
        let error = await #expect(throws: StrataError.self) { try await db.migrator(lockTimeout: .milliseconds(300)).migrate() }
        #expect(error?.code == .lockTimeout)
        #expect(error?.message.contains("held by MySQL connection \(id ?? -1) (user strata") == true, "\(error?.message ?? "")")
        await holder.close()
        #expect(try await db.migrator(lockTimeout: .seconds(5)).migrate().count == 1)
    }
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
