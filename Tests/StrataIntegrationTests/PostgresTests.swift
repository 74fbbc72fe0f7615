import Foundation
import Logging
import Synchronization
import Strata
import StrataPostgres
import Testing

/// PostgreSQL behaviours beyond the shared conformance suites: non-transactional
/// `CREATE INDEX CONCURRENTLY`, the server's error fields, `application_name`.
@Suite(.enabled(if: ServerEnvironment.postgresWanted, "PostgreSQL tests are skipped: STRATA_POSTGRES_URL is not set (scripts/test starts the server and sets it)"))
struct PostgresTests {
    @Test func serverIsReachableAndConnectionsNameThemselves() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let rows = try await db.query("SELECT current_setting('application_name') AS app, version() AS version")
        #expect(rows.first?["app"].text == "strata")
        #expect(rows.first?["version"].text?.hasPrefix("PostgreSQL 15") == true)
    }

    /// An environment that lives in one schema drops and creates that schema, never the
    /// database the other schemas share.
    @Test func dbDropAndCreateOfASchemaEnvironmentTouchOnlyItsSchema() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let neighbour = try await TestDatabase.postgres.fresh()
        defer { Task { await neighbour.remove() } }
        for fresh in [db, neighbour] {
            try fresh.write("20250101000001", "kept", up: "CREATE TABLE kept (id INTEGER);")
            try await fresh.migrator().migrate()
        }
        let project = try db.project([])
        defer { project.remove() }
        let dropped = try await db.strata(["db", "drop"], in: project)
        #expect(dropped.status == 0, "\(dropped)")
        #expect(try await !db.hasTable("kept"))
        #expect(try await neighbour.hasTable("kept"), "the other schema of the database is untouched")
        #expect(try await db.strata(["db", "drop"], in: project).stdout.contains("does not exist"))
        let created = try await db.strata(["db", "create"], in: project)
        #expect(created.status == 0 && created.stdout.contains("Created"), "\(created)")
        let schema = try #require(db.settings.schema)
        #expect(try await db.query("SELECT COUNT(*) AS n FROM pg_namespace WHERE nspname = '\(schema)'").first?["n"].integer == 1)
        #expect(try await db.strata(["db", "create"], in: project).stdout.contains("already exists"))
    }

    @Test func chainedTransactionsStartWithTheDefaultsAfterAMigrationSetsItsOwn() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "serializable", up: """
            SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
            CREATE TABLE levels (migration INTEGER, level TEXT);
            INSERT INTO levels VALUES (1, current_setting('transaction_isolation'));
            """)
        try db.write("20250101000002", "default", up: "INSERT INTO levels VALUES (2, current_setting('transaction_isolation'));")
        try db.write("20250101000003", "plain", up: "CREATE TABLE plain (id INTEGER);")
        #expect(try await db.migrator().migrate().count == 3)
        let levels = try await db.query("SELECT level FROM levels ORDER BY migration").compactMap { $0["level"].text }
        #expect(levels == ["serializable", "read committed"])

        // On the connection: COMMIT AND CHAIN carries the committed transaction's isolation
        // level (which proves it was sent), except after a statement that may have set it.
        let connection = try await db.connect()
        defer { Task { await connection.close() } }
        let level = { try await connection.query("SELECT current_setting('transaction_isolation') AS level", []).first?["level"].text }
        try await connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        try await connection.commitAndBeginTransaction()
        #expect(try await level() == "serializable")
        try await connection.rollbackTransaction()
        try await connection.beginTransaction()
        try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try await connection.commitAndBeginTransaction()
        #expect(try await level() == "read committed")
        try await connection.rollbackTransaction()
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

    /// A `CREATE INDEX CONCURRENTLY` that meets an index of its name — what an interrupted one
    /// leaves behind, invalid — says how to check it and drop it; other statements meeting a
    /// name in use do not.
    @Test func createIndexConcurrentlyMeetingItsIndexSaysHowToClearALeftover() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-users", up: "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);\nCREATE INDEX users_email ON users (email);")
        try await db.migrator().migrate()
        try db.write("20250101000002", "index-again", up: "CREATE TABLE notes (id INTEGER);\nCREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);",
                     upOptions: "transaction:false")
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("relation \"users_email\" already exists (42P07)") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.hasPrefix("An interrupted CREATE INDEX CONCURRENTLY leaves its index behind, marked invalid.") == true, "\(error?.hint ?? "")")
        #expect(error?.hint?.contains("`DROP INDEX CONCURRENTLY users_email`") == true, "\(error?.hint ?? "")")
        #expect(error?.hint?.contains("strata resolve 20250101000002 --rolled-back") == true, "the usual ways on follow: \(error?.hint ?? "")")

        let dialect = PostgresDialect()
        let duplicate = DatabaseError(message: "relation \"t\" already exists", code: "42P07")
        #expect(dialect.leftoverHint(for: SQLStatement(text: "CREATE TABLE t (id INTEGER)", line: 1), error: duplicate) == nil)
        #expect(dialect.leftoverHint(for: SQLStatement(text: "create index concurrently if not exists \"Odd Name\" on t (id)", line: 1), error: duplicate)?
            .contains("DROP INDEX CONCURRENTLY \"Odd Name\"") == true)
        #expect(dialect.leftoverHint(for: SQLStatement(text: "CREATE INDEX CONCURRENTLY ix ON t (id)", line: 1),
                                     error: DatabaseError(message: "deadlock detected", code: "40P01")) == nil)
    }

    /// A session the server ended while it was idle (`pg_terminate_backend`, a restart)
    /// fails its next statement at once, saying the connection is closed; it never waits for
    /// an answer that cannot come. (Before the fix, the statement waited forever: found by
    /// `scripts/reliability cut`.)
    @Test func aStatementOnASessionTheServerEndedFailsAtOnce() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let connection = try await db.connect()
        let pid = try #require(try await connection.query("SELECT pg_backend_pid() AS pid", []).first?["pid"].integer)
        let observer = try await db.connect()
        _ = try await observer.query("SELECT pg_terminate_backend(\(pid))", [])
        await observer.close()
        // The server's goodbye reaches the client; then the next statement is sent.
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        // Not a task group, which would wait for a statement that never ends: the statement
        // runs in a task of its own, and the test looks for its outcome for 20 s.
        let outcome = Mutex<String?>(nil)
        Task {
            do {
                _ = try await connection.query("SELECT 1 AS one", [])
                outcome.withLock { $0 = "answered" }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
        }
        while outcome.withLock({ $0 }) == nil, ContinuousClock.now - started < .seconds(20) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let said = outcome.withLock { $0 } ?? "no answer within 20 s"
        #expect(said.contains("is closed") || said.contains("terminating connection"), "\(said)")
        #expect(ContinuousClock.now - started < .seconds(10))
        await connection.close()
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

}

/// The `strata` binary against PostgreSQL: the generated templates through the whole workflow.
@Suite(.enabled(if: ServerEnvironment.postgresWanted, "PostgreSQL tests are skipped: STRATA_POSTGRES_URL is not set (scripts/test starts the server and sets it)"))
struct PostgresCommandLineTests {
    @Test func quickstartWorkflowRunsOnPostgres() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let directory = try db.project([])
        defer { directory.remove() }
        for arguments in [["generate", "create-users", "--template", "create-table"], ["generate", "add-status-to-users", "--template", "modify-table"]] {
            let result = try await db.strata(arguments, in: directory)
            #expect(result.status == 0, "\(result)")
        }
        let migrated = try await db.strata(["migrate"], in: directory)
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.contains("Migrating development (postgres://strata:***@"), "\(migrated)")
        #expect(!migrated.stdout.contains(db.settings.password ?? "-"))
        let columns = try await db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'users'")
        #expect(Set(columns.compactMap { $0["column_name"].text }) == ["id", "name", "created_at", "updated_at", "status"])
        let redo = try await db.strata(["redo", "--step", "2"], in: directory)
        #expect(redo.status == 0, "\(redo)")
        let undone = try await db.strata(["undo", "--all"], in: directory)
        #expect(undone.status == 0, "\(undone)")
        #expect(try await !db.hasTable("users"))
    }

    @Test func thePasswordIsNotOnTheDumpProcessesCommandLine() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "items", up: "CREATE TABLE items (id INTEGER);")
        try await db.migrator().migrate()
        // Hold a lock that pg_dump must wait for, so that its process can be inspected.
        let blocker = try await db.connect()
        try await blocker.beginTransaction()
        try await blocker.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = db.settings
        let backup = Task {
            try await BackupManager(directory: directory.path, environment: "test", settings: settings)
                .backup(PostgresDriver().backupMethod(settings, logger: Logger(label: "test")))
        }
        var commandLines: [String] = []
        for _ in 0..<100 where commandLines.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
                guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
                let line = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
                if line.contains("pg_dump") && line.contains("--dbname") { commandLines.append(line) }
            }
        }
        try await blocker.rollbackTransaction()
        await blocker.close()
        let path = try await backup.value
        #expect(!commandLines.isEmpty, "pg_dump was not seen running")
        for line in commandLines {
            #expect(!line.contains(settings.password ?? "-"), "\(line)")
            #expect(line.contains("--host"))
        }
        #expect(FileManager.default.fileExists(atPath: path))
    }
}

/// PostgreSQL's own Schema API behaviour: concurrent indexes, enum types.
@Suite struct PostgresSchemaTests {
    struct ConcurrentIndex: Migration {
        let id = "20250801000000-concurrent-index"
        let inTransaction: Bool
        var runsInTransaction: Bool { inTransaction }
        func up(_ schema: Schema) async throws {
            try await schema.addIndex(on: "items", ["name"], concurrently: true, ifNotExists: true)
        }
        func down(_ schema: Schema) async throws {
            try await schema.removeIndex(on: "items", ["name"], concurrently: true, ifExists: true)
        }
    }

    struct CreateItems: Migration {
        let id = "20250731000000-create-items"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("items") {
                Column.id()
                Column("name", .string(length: 50))
                Column("grade", .enum(["x", "y"], typeName: "grade"))
            }
            try await schema.createTable("others") { Column("grade", .enum(["x", "y"], typeName: "grade")) }
        }
        func down(_ schema: Schema) async throws {
            try await schema.dropTable("items")
            try await schema.dropTable("others")
        }
    }

    @Test func concurrentIndexesNeedAMigrationWithoutTransaction() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [CreateItems()]).migrate()
        let refused = try await #require(throws: StrataError.self) {
            try await db.migrator(swift: [CreateItems(), ConcurrentIndex(inTransaction: true)]).migrate()
        }
        #expect(refused.message.contains("addIndex concurrently: inside a transaction is not supported on postgres."))
        #expect(refused.message.contains("Workaround: declare `var runsInTransaction: Bool { false }`"))

        let migrator = try await db.migrator(swift: [CreateItems(), ConcurrentIndex(inTransaction: false)])
        try await migrator.migrate()
        #expect(try await db.introspection().contains("  index items_name_idx (name)"))
        try await migrator.undo()
        #expect(try await !db.introspection().contains("  index items_name_idx (name)"))
    }

    @Test func aSharedEnumTypeIsDroppedWithItsLastColumnOnly() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let migrator = try await db.migrator(swift: [CreateItems()])
        try await migrator.migrate()
        let types = "SELECT typname::text AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() AND t.typtype = 'e'"
        #expect(try await db.query(types).compactMap { $0["name"].text } == ["grade"])
        #expect(try await db.introspection().contains("  column grade enumeration(typeName: Optional(\"grade\"), values: [\"x\", \"y\"])"))
        try await migrator.undo()
        #expect(try await db.query(types).isEmpty)
    }
}
