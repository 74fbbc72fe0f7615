import Foundation
import Logging
import Strata
import StrataPostgres
import Testing

/// PostgreSQL behaviours beyond the shared conformance suite: non-transactional
/// `CREATE INDEX CONCURRENTLY`, the server's error fields, TLS modes, connection failures.
@Suite(.enabled(if: ServerEnvironment.postgresWanted, "PostgreSQL tests are skipped: STRATA_POSTGRES_URL is not set (scripts/test starts the server and sets it)"))
struct PostgresTests {
    @Test func serverIsReachableAndConnectionsNameThemselves() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let rows = try await db.query("SELECT current_setting('application_name') AS app, version() AS version")
        #expect(rows.first?["app"].text == "strata")
        #expect(rows.first?["version"].text?.hasPrefix("PostgreSQL 15") == true)
    }

    @Test func createIndexConcurrentlyRunsInATransactionFalseMigration() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-users", up: "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);", down: "DROP TABLE users;")
        try db.write("20250101000002", "index-users-email", up: "CREATE INDEX CONCURRENTLY users_email ON users (email);",
                     down: "DROP INDEX CONCURRENTLY IF EXISTS users_email;", upOptions: "transaction:false", downOptions: "transaction:false")
        try await db.migrator().migrate()
        let indexes = try await db.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'users_email'")
        #expect(indexes.count == 1)

        // Without transaction:false the server refuses, and nothing is recorded.
        try db.write("20250101000003", "index-in-transaction", up: "CREATE INDEX CONCURRENTLY users_id_email ON users (id, email);")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("(25001)") == true)
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002"])

        try FileManager.default.removeItem(atPath: db.migrationsPath + "/20250101000003-index-in-transaction.sql")
        try await db.migrator().undo()
        #expect(try await db.query("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'users_email'").isEmpty)
    }

    @Test func errorsCarryTheServersHintAndTheLineOfThePosition() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let path = try db.write("20250101000001", "typo", up: """
            CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT);
            SELECT id,
                   name
              FROM users
             WHERE nmae = 'x';
            """)
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        let message = error?.message ?? ""
        #expect(message.contains("failed at \(path):6: column \"nmae\" does not exist (42703)"), "\(message)")
        #expect(message.contains("Hint: Perhaps you meant to reference the column \"users.name\"."), "\(message)")
        let database = error?.underlying as? DatabaseError
        #expect(database?.code == "42703")
        #expect(database?.position != nil)
        #expect(try await !db.hasTable("users"))
    }

    @Test func tlsModes() async throws {
        let base = try ServerEnvironment.postgresSettings()
        let collector = LogCollector()
        let logger = Logger(label: "test") { _ in collector }

        var require = base
        require.tls = .require
        let encrypted = try await PostgresDriver().connect(require, logger: logger)
        let ssl = try await encrypted.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [])
        await encrypted.close()
        #expect(ssl.first?["ssl"].integer == 1)
        #expect(collector.messages.contains { $0.contains("is not verified (tls: require)") })

        var disable = base
        disable.tls = .disable
        let plain = try await PostgresDriver().connect(disable, logger: logger)
        let noSSL = try await plain.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [])
        await plain.close()
        #expect(noSSL.first?["ssl"].integer == 0)

        // The test server's certificate is self-signed: verify-full must refuse it.
        var verify = base
        verify.tls = .verifyFull
        let error = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(verify, logger: logger) }
        #expect(error?.message.contains("TLS handshake failed") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("tls: require") == true)
    }

    @Test func connectionFailuresNameHostPortAndCauseWithoutThePassword() async throws {
        let base = try ServerEnvironment.postgresSettings()

        var refused = base
        refused.port = 1
        refused.password = "hunter2-secret"
        let refusedError = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(refused, logger: Logger(label: "test")) }
        #expect(refusedError?.message.contains("\(base.host ?? ""):1") == true, "\(refusedError?.message ?? "")")
        #expect(refusedError?.message.contains("connection refused") == true)

        var wrongPassword = base
        wrongPassword.password = "hunter2-secret"
        let authError = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(wrongPassword, logger: Logger(label: "test")) }
        #expect(authError?.message.contains("authentication failed") == true, "\(authError?.message ?? "")")

        var missingDatabase = base
        missingDatabase.database = "strata_no_such_database"
        let missingError = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(missingDatabase, logger: Logger(label: "test")) }
        #expect(missingError?.message.contains("database \"strata_no_such_database\" does not exist") == true, "\(missingError?.message ?? "")")

        for error in [refusedError, authError, missingError] {
            #expect(error?.description.contains("hunter2-secret") == false)
        }

        var unknownOption = base
        unknownOption.options = ["sslrootcert": "x"]
        let optionError = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(unknownOption, logger: Logger(label: "test")) }
        #expect(optionError?.code == .configuration)
    }

    @Test func lockTimeoutNamesTheHoldingBackend() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);")
        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)
        let pid = try await holder.query("SELECT pg_backend_pid() AS pid", []).first?["pid"].integer
        let error = await #expect(throws: StrataError.self) { try await db.migrator(lockTimeout: .milliseconds(200)).migrate() }
        #expect(error?.code == .lockTimeout)
        #expect(error?.message.contains("held by PostgreSQL backend pid \(pid ?? -1) (application strata") == true, "\(error?.message ?? "")")
        await holder.close()
        // Closing the session released the lock.
        #expect(try await db.migrator(lockTimeout: .seconds(5)).migrate().count == 1)
    }
}

/// The `strata` binary against PostgreSQL: the deploy-time race of many replicas, and
/// what a user sees when the server cannot be reached.
@Suite(.enabled(if: ServerEnvironment.postgresWanted, "PostgreSQL tests are skipped: STRATA_POSTGRES_URL is not set (scripts/test starts the server and sets it)"))
struct PostgresCommandLineTests {
    /// A project whose development environment is a fresh schema of the test database.
    func project(schema: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let config = """
            environments:
              development:
                url: ${STRATA_POSTGRES_URL}
                schema: \(schema)
            """
        try config.write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        return directory
    }

    @Test func eightConcurrentProcessesApplyFiftyMigrationsExactlyOnce() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let schema = try #require(db.settings.schema)
        let directory = try project(schema: schema)
        defer { directory.remove() }
        func write(_ version: String, _ name: String, _ up: String) throws {
            try "-- migrate:up\n\(up)\n-- migrate:down\n".write(
                toFile: "\(directory.path)/db/migrations/\(version)-\(name).sql", atomically: true, encoding: .utf8)
        }
        try write("20250101000000", "create-runs", "CREATE TABLE runs (version TEXT NOT NULL, backend INTEGER NOT NULL DEFAULT pg_backend_pid());")
        for number in 1...49 {
            let version = String(format: "20250102%06d", number)
            try write(version, "run-\(number)", "INSERT INTO runs (version) VALUES ('\(version)');")
        }
        let processes = try (0..<8).map { _ in try StrataProcess.start(["migrate", "--lock-timeout", "120"], in: directory.path) }
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

    @Test func statusOnAnUnreachableServerNamesItAndHidesThePassword() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "environments:\n  development:\n    url: postgres://app:hunter2-secret@127.0.0.1:1/app\n"
            .write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let result = try await StrataProcess.run(["status"], in: directory.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("Cannot connect to PostgreSQL at 127.0.0.1:1 as app: connection refused"), "\(result)")
        #expect(!result.stderr.contains("hunter2-secret") && !result.stdout.contains("hunter2-secret"))
    }

    @Test func quickstartWorkflowRunsOnPostgres() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let directory = try project(schema: try #require(db.settings.schema))
        defer { directory.remove() }
        for arguments in [["generate", "create-users", "--template", "create-table"], ["generate", "add-status-to-users", "--template", "modify-table"]] {
            let result = try await StrataProcess.run(arguments, in: directory.path)
            #expect(result.status == 0, "\(result)")
        }
        let migrated = try await StrataProcess.run(["migrate"], in: directory.path)
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.contains("Migrating development (postgres://strata:***@"), "\(migrated)")
        #expect(!migrated.stdout.contains(":strata@"))
        let columns = try await db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users'")
        #expect(Set(columns.compactMap { $0["column_name"].text }) == ["id", "name", "created_at", "updated_at", "status"])
        let redo = try await StrataProcess.run(["redo", "--step", "2"], in: directory.path)
        #expect(redo.status == 0, "\(redo)")
        let undone = try await StrataProcess.run(["undo", "--all"], in: directory.path)
        #expect(undone.status == 0, "\(undone)")
        #expect(try await !db.hasTable("users"))
    }
}

/// Collects log messages, for tests that check a warning was logged.
final class LogCollector: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { stored.append(event.message.description) }
    }
}
