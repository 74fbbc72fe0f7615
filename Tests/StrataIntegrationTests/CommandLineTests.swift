import Foundation
import Logging
import Strata
import StrataSQLite
import Testing

/// End-to-end tests: the built `strata` binary in temporary project directories, checked by
/// exit status, output and what is in the database afterwards.
@Suite struct CommandLineTests {
    /// A temporary project directory with helpers.
    struct Project {
        let directory: TemporaryDirectory
        var path: String { directory.path }

        init(config: String? = nil) throws {
            directory = try TemporaryDirectory()
            if let config { try write("strata.yml", config) }
        }

        func write(_ relativePath: String, _ text: String) throws {
            let full = "\(path)/\(relativePath)"
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }

        func migration(_ version: String, _ name: String, up: String, down: String = "") throws {
            try write("db/migrations/\(version)-\(name).sql", "-- migrate:up\n\(up)\n-- migrate:down\n\(down)\n")
        }

        func strata(_ arguments: String..., environment: [String: String] = [:]) async throws -> StrataProcess.Result {
            try await StrataProcess.run(arguments, in: path, environment: environment)
        }

        func strata(_ arguments: [String], environment: [String: String] = [:]) async throws -> StrataProcess.Result {
            try await StrataProcess.run(arguments, in: path, environment: environment)
        }

        /// Rows from the project's default SQLite database.
        func query(_ sql: String, database: String = "db/development.sqlite3") async throws -> [DatabaseRow] {
            let settings = ConnectionSettings(dialect: "sqlite", storage: "\(path)/\(database)")
            return try await queryOnce(sql, on: SQLiteDriver().connect(settings, logger: Logger(label: "test")))
        }

        func tables(database: String = "db/development.sqlite3") async throws -> Set<String> {
            Set(try await query("SELECT name FROM sqlite_master WHERE type = 'table'", database: database).compactMap { $0["name"].text })
        }
    }

    @Test func statusPrintsOneAlignedRowPerMigrationAndTheCounts() async throws {
        let project = try Project(config: "environments:\n  development:\n    url: sqlite:db/development.sqlite3\n")
        defer { project.directory.remove() }
        try project.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY);", down: "DROP TABLE users;")
        try project.migration("20250101000002", "a-much-longer-migration-name", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);")
        try project.migration("20250101000003", "create-tags", up: "CREATE TABLE tags (id INTEGER PRIMARY KEY);")
        #expect(try await project.strata("migrate", "--step", "1").status == 0)
        // The applied migration's file changes: it shows as changed, not applied.
        try project.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);", down: "DROP TABLE users;")

        let status = try await project.strata("status")
        #expect(status.status == 0, "\(status)")
        let applied = try #require(try await project.query("SELECT applied_at FROM strata_migrations").first?["applied_at"].date)
        let date = UTCDateTime(applied, fractionDigits: 0).formatted(separator: " ", suffix: " UTC")
        let name = "Name" + String(repeating: " ", count: "a-much-longer-migration-name".count - 4)
        #expect(status.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n") == """
              State    Version         \(name)  Applied at
              changed  20250101000001  create-users                  \(date)
              pending  20250101000002  a-much-longer-migration-name  -
              pending  20250101000003  create-tags                   -

            2 pending, 1 changed.

            """)
    }

    @Test func aDatabaseFileThatIsNotSQLiteIsNamedAndLeftAlone() async throws {
        let project = try Project(config: "environments:\n  development:\n    url: sqlite:db/development.sqlite3\n")
        defer { project.directory.remove() }
        try project.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY);")
        let garbage = String(repeating: "not a database, ", count: 256)
        try project.write("db/development.sqlite3", garbage)

        // Every command names the file, and says what to check.
        for command in [["status"], ["migrate"], ["undo"], ["redo"], ["seed"], ["migrate", "--dry-run"]] {
            let run = try await project.strata(command)
            #expect(run.status == 1, "\(command): \(run)")
            #expect(run.stderr.contains("error: Cannot use SQLite database db/development.sqlite3: file is not a database"), "\(command): \(run)")
            #expect(run.stderr.contains("Check that db/development.sqlite3 is an SQLite database"), "\(command): \(run)")
        }
        // Nothing was written to it, and nothing beside it.
        #expect(try String(contentsOfFile: "\(project.path)/db/development.sqlite3", encoding: .utf8) == garbage)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(project.path)/db").sorted() == ["development.sqlite3", "migrations"])
    }

    @Test func wholeWorkflowFromInitToRedo() async throws {
        let project = try Project()
        defer { project.directory.remove() }

        let initialized = try await project.strata("init")
        #expect(initialized.status == 0, "\(initialized)")
        #expect(FileManager.default.fileExists(atPath: project.path + "/strata.yml"))
        #expect(FileManager.default.fileExists(atPath: project.path + "/db/seeders"))
        #expect(try await project.strata("init").status == 2)

        let created = try await project.strata("generate", "create-users", "--template", "create-table")
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains("Created db/migrations/"))
        #expect(try await project.strata("generate", "add-status-to-users", "--template", "modify-table").status == 0)

        let migrated = try await project.strata("migrate")
        #expect(migrated.status == 0, "\(migrated)")
        let lines = migrated.stdout.split(separator: "\n").filter { $0.hasPrefix("== ") }
        #expect(lines.count == 2)
        #expect(lines[0].contains("create-users: migrated ("))
        #expect(lines[0].hasSuffix("ms)") || lines[0].hasSuffix("s)"))
        #expect(try await project.tables().isSuperset(of: ["users", "strata_migrations"]))
        let columns = try await project.query("SELECT name FROM pragma_table_info('users')").compactMap { $0["name"].text }
        #expect(columns.contains("status"))

        let status = try await project.strata("status", "--json")
        #expect(status.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: [[String: Any]]]
        let entries = try #require(report?["migrations"])
        #expect(entries.map { $0["state"] as? String } == ["applied", "applied"])
        #expect(entries.map { $0["name"] as? String } == ["create-users", "add-status-to-users"])
        #expect(entries.allSatisfy { ($0["applied_at"] as? String)?.hasSuffix("Z") == true })
        #expect(entries.allSatisfy { ($0["version"] as? String)?.count == 14 })

        let undone = try await project.strata("undo")
        #expect(undone.status == 0, "\(undone)")
        #expect(undone.stdout.contains("add-status-to-users: reverted"))
        #expect(try await !project.query("SELECT name FROM pragma_table_info('users')").contains { $0["name"].text == "status" })

        let pending = try await project.strata("status", "--exit-code")
        #expect(pending.status == 3)
        #expect(pending.stdout.contains("pending"))

        #expect(try await project.strata("migrate").status == 0)
        let redone = try await project.strata("redo")
        #expect(redone.status == 0, "\(redone)")
        #expect(redone.stdout.contains("add-status-to-users: reverted"))
        #expect(redone.stdout.contains("add-status-to-users: migrated"))
        #expect(try await project.strata("status", "--exit-code").status == 0)

        let all = try await project.strata("undo", "--all", "--json")
        #expect(all.status == 0)
        #expect(all.stdout.contains("\"direction\":\"down\""))
        #expect(try await project.query("SELECT version FROM strata_migrations").isEmpty)
        #expect(try await !project.tables().contains("users"))
    }

    @Test func quickstartExampleMigratesUndoesAndRedoes() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        let quickstart = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/Quickstart").path
        try project.write("strata.yml", try String(contentsOfFile: quickstart + "/strata.yml", encoding: .utf8))
        for file in try FileManager.default.contentsOfDirectory(atPath: quickstart + "/db/migrations") {
            try project.write("db/migrations/\(file)", try String(contentsOfFile: quickstart + "/db/migrations/\(file)", encoding: .utf8))
        }

        let migrated = try await project.strata("migrate")
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.split(separator: "\n").filter { $0.hasPrefix("== ") }.count == 4)
        // The seed's rules hold in the database: status is limited, posts need a user.
        _ = try await project.query("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')")
        await #expect(throws: DatabaseError.self) {
            _ = try await project.query("INSERT INTO users (name, email, status) VALUES ('Bob', 'bob@example.com', 'deleted')")
        }
        await #expect(throws: DatabaseError.self) {
            _ = try await project.query("INSERT INTO posts (user_id, title) VALUES (42, 'orphan')")
        }
        let indexes = try await project.query("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'posts_user_id_created_at'")
        #expect(indexes.count == 1)

        let undone = try await project.strata("undo", "--all")
        #expect(undone.status == 0, "\(undone)")
        let left = try await project.tables().subtracting(["sqlite_sequence"])
        #expect(left == ["strata_migrations", "strata_migrations_progress"])
        let again = try await project.strata("migrate")
        #expect(again.status == 0, "\(again)")
        #expect(try await project.strata("redo", "--step", "4").status == 0)
    }

    @Test func generateSwiftWritesTheMigrationAndRegistersIt() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        let created = try await project.strata("generate", "add-status-to-users", "--swift", "--output", "Sources/Migrate/Migrations", "--template", "modify-table")
        #expect(created.status == 0, "\(created)")
        let files = try FileManager.default.contentsOfDirectory(atPath: project.path + "/Sources/Migrate/Migrations").sorted()
        #expect(files.count == 2)
        #expect(files.last == "Migrations.swift")
        let migration = try #require(files.first)
        #expect(migration.hasSuffix("-add-status-to-users.swift"))
        #expect(created.stdout.contains("Created Sources/Migrate/Migrations/\(migration)\nRegistered it in Sources/Migrate/Migrations/Migrations.swift"))
        let text = try String(contentsOfFile: project.path + "/Sources/Migrate/Migrations/\(migration)", encoding: .utf8)
        #expect(text.contains("struct AddStatusToUsers: Migration {"))
        #expect(text.contains("let id = \"\(migration.dropLast(".swift".count))\""))

        let noOutput = try await project.strata("generate", "create-users", "--swift")
        #expect(noOutput.status == 2)
        #expect(noOutput.stderr.contains("--swift needs --output DIR"))
        let seeder = try await project.strata("generate", "fill", "--swift", "--seeder", "--output", "x")
        #expect(seeder.status == 2)
    }

    @Test func globalOptionsBeforeOrAfterTheCommand() async throws {
        let project = try Project(config: "migrations: sql\nenvironments:\n  development:\n    url: sqlite:data/dev.sqlite3\n  other:\n    url: sqlite:data/other.sqlite3\n")
        defer { project.directory.remove() }
        try project.write("sql/20250101000000-one.sql", "-- migrate:up\nCREATE TABLE one (id INTEGER);\n")
        let parent = (project.path as NSString).deletingLastPathComponent
        let name = (project.path as NSString).lastPathComponent

        let leading = try await StrataProcess.run(["-C", name, "--env", "other", "migrate"], in: parent)
        #expect(leading.status == 0, "\(leading)")
        #expect(leading.stdout.contains("Migrating other (sqlite:data/other.sqlite3)"))
        #expect(FileManager.default.fileExists(atPath: project.path + "/data/other.sqlite3"))

        let trailing = try await StrataProcess.run(["status", "--config", "\(name)/strata.yml", "--json"], in: parent)
        #expect(trailing.status == 0, "\(trailing)")
        #expect(trailing.stdout.contains("\"state\":\"pending\""))

        let fromVariable = try await project.strata("status", "--json", environment: ["STRATA_ENV": "other"])
        #expect(fromVariable.stdout.contains("\"state\":\"applied\""), "\(fromVariable)")
    }

    @Test func noConfigurationMeansSQLiteInDb() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        let result = try await project.strata("migrate")
        #expect(result.status == 0, "\(result)")
        #expect(try await project.tables().contains("one"))
    }

    @Test func dryRunPrintsTheSQLAndChangesNothing() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        let result = try await project.strata("migrate", "--dry-run")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("would apply 1 migration in"))
        #expect(result.stdout.contains("CREATE TABLE one (id INTEGER);"))
        #expect(!FileManager.default.fileExists(atPath: project.path + "/db/development.sqlite3"))
        let status = try await project.strata("status", "--json")
        #expect(status.stdout.contains("\"state\":\"pending\""), "\(status)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/db/development.sqlite3"))
    }

    @Test(arguments: [
        ("environments:\n  development:\n    url: sqlite:x.sqlite3\n    colour: blue\n", [String](), [String: String](), "strata.yml:4: unknown key `colour`"),
        ("environments:\n  development:\n    url: 'sqlite:x\n", [], [:], "strata.yml:4: malformed YAML"),
        ("environments:\n  development:\n    url: sqlite:x.sqlite3\n", ["--env", "staging"], [:], "Unknown environment \"staging\""),
        ("environments:\n  development:\n    url: ${APP_DB_URL}\n", [], [:], "Environment variable APP_DB_URL is not set"),
        ("environments:\n  development:\n    url: sqlserver://app:hunter2@db.example.com/app\n", [], [:], "the scheme \"sqlserver\" is not one of"),
        ("environments:\n  development:\n    url: postgres://app:hunter2@db.example.com/app\n    tls: maybe\n", [], [:], "strata.yml:4: Environment \"development\": tls \"maybe\" is not one of disable, require, verify-full"),
        ("environments:\n  development:\n    url: sqlite:x.sqlite3\n", ["--to", "2025"], [:], "--to"),
        ("environments:\n  development:\n    url: sqlite:x.sqlite3\n", ["--step", "0"], [:], "--step must be 1 or more"),
        ("environments:\n  development:\n    url: sqlite:x.sqlite3\n", ["--frobnicate"], [:], "Unknown option '--frobnicate'"),
    ])
    func configurationAndUsageErrorsExitTwoAndChangeNothing(config: String, extra: [String], environment: [String: String], expected: String) async throws {
        let project = try Project(config: config)
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);")
        let result = try await StrataProcess.run(["migrate"] + extra, in: project.path, environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(expected), "\(result)")
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: project.path + "/x.sqlite3"))
    }

    @Test func badMigrationFilesAreNamedAndNothingRuns() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "good", up: "CREATE TABLE good (id INTEGER);")
        try project.write("db/migrations/2025-01-02-bad.sql", "-- migrate:up\nCREATE TABLE bad (id INTEGER);\n")
        let badName = try await project.strata("migrate")
        #expect(badName.status == 2, "\(badName)")
        #expect(badName.stderr.contains("2025-01-02-bad.sql"))

        try FileManager.default.removeItem(atPath: project.path + "/db/migrations/2025-01-02-bad.sql")
        try project.migration("20250101000000", "clash", up: "CREATE TABLE clash (id INTEGER);")
        let duplicate = try await project.strata("migrate")
        #expect(duplicate.status == 2, "\(duplicate)")
        #expect(duplicate.stderr.contains("Duplicate migration version 20250101000000"))

        try FileManager.default.removeItem(atPath: project.path + "/db/migrations/20250101000000-clash.sql")
        try project.write("db/migrations/20250101000001-no-up.sql", "CREATE TABLE x (id INTEGER);\n")
        let noUp = try await project.strata("migrate")
        #expect(noUp.status == 2, "\(noUp)")
        #expect(noUp.stderr.contains("20250101000001-no-up.sql has no `-- migrate:up` section"))

        #expect(!FileManager.default.fileExists(atPath: project.path + "/db/development.sqlite3"))
    }

    @Test func failingSQLExitsOneNamingMigrationStatementAndError() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "good", up: "CREATE TABLE good (id INTEGER);")
        try project.migration("20250101000001", "bad", up: "CREATE TABLE half (id INTEGER);\nALTER TABLE nowhere ADD COLUMN x INTEGER;")
        try project.migration("20250101000002", "after", up: "CREATE TABLE after_bad (id INTEGER);")
        let result = try await project.strata("migrate")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("good: migrated"))
        #expect(result.stderr.contains("Migration 20250101000001-bad failed at db/migrations/20250101000001-bad.sql:3"), "\(result)")
        #expect(result.stderr.contains("no such table: nowhere"))
        #expect(result.stderr.contains("Statement: ALTER TABLE nowhere ADD COLUMN x INTEGER"))
        #expect(result.stderr.contains("Nothing of this migration was applied"))
        let tables = try await project.tables()
        #expect(tables.contains("good"))
        #expect(!tables.contains("half"))
        #expect(!tables.contains("after_bad"))
        #expect(try await project.query("SELECT version FROM strata_migrations").compactMap { $0["version"].text } == ["20250101000000"])
    }

    @Test func changedMigrationIsRefusedWithExitFiveUnlessAllowed() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        #expect(try await project.strata("migrate").status == 0)
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER, name TEXT);", down: "DROP TABLE one;")
        try project.migration("20250101000001", "two", up: "CREATE TABLE two (id INTEGER);")

        let status = try await project.strata("status")
        #expect(status.stdout.contains("changed"))
        #expect(try await project.strata("status", "--exit-code").status == 5)
        let refused = try await project.strata("migrate")
        #expect(refused.status == 5, "\(refused)")
        #expect(refused.stderr.contains("db/migrations/20250101000000-one.sql"))
        #expect(try await !project.tables().contains("two"))
        #expect(try await project.strata("undo").status == 5)

        let allowed = try await project.strata("migrate", "--allow-changed")
        #expect(allowed.status == 0, "\(allowed)")
        #expect(try await project.tables().contains("two"))

        try FileManager.default.removeItem(atPath: project.path + "/db/migrations/20250101000001-two.sql")
        let missing = try await project.strata("status", "--json")
        #expect(missing.stdout.contains("\"state\":\"missing\""))
        #expect(try await project.strata("migrate", "--allow-changed").status == 5)
        #expect(try await project.strata("migrate", "--allow-changed", "--allow-missing").status == 0)
    }

    @Test func undoOfAMigrationWithoutDownFailsClearly() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.write("db/migrations/20250101000000-forever.sql", "-- migrate:up\nCREATE TABLE forever (id INTEGER);\n")
        #expect(try await project.strata("migrate").status == 0)
        let result = try await project.strata("undo")
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("20250101000000-forever cannot be undone"))
        #expect(try await project.tables().contains("forever"))
    }

    @Test func lockTimeoutExitsFourNamingTheHolder() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);")
        let holder = try await SQLiteDriver().connect(ConnectionSettings(dialect: "sqlite", storage: project.path + "/db/development.sqlite3"), logger: Logger(label: "test"))
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(1)) == .acquired)

        let result = try await project.strata("migrate", "--lock-timeout", "0.5")
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.contains("held by pid \(ProcessInfo.processInfo.processIdentifier)"), "\(result)")
        #expect(try await !project.tables().contains("one"))

        await holder.close()
        #expect(try await project.strata("migrate", "--lock-timeout", "5").status == 0)
    }

    @Test func concurrentProcessesApplyEachMigrationExactlyOnce() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "create-runs", up: "CREATE TABLE runs (version TEXT NOT NULL);")
        let count = 40
        for number in 1...count {
            let version = String(format: "20250102%06d", number)
            try project.migration(version, "run-\(number)", up: "INSERT INTO runs (version) VALUES ('\(version)');")
        }
        let processes = try (0..<6).map { _ in try StrataProcess.start(["migrate", "--lock-timeout", "60"], in: project.path) }
        var results: [StrataProcess.Result] = []
        for process in processes { results.append(await StrataProcess.finish(process)) }

        for result in results { #expect(result.status == 0, "\(result)") }
        let reported = results.map { $0.stdout.split(separator: "\n").filter { $0.contains(": migrated (") }.count }
        #expect(reported.reduce(0, +) == count + 1)
        let rows = try await project.query("SELECT version, COUNT(*) AS n FROM runs GROUP BY version")
        #expect(rows.count == count)
        #expect(rows.allSatisfy { $0["n"].integer == 1 })
        #expect(try await project.query("SELECT version FROM strata_migrations").count == count + 1)
    }

    @Test func processKilledMidMigrationLeavesNothingHalfDoneAndNoStaleLock() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "quick", up: "CREATE TABLE quick (id INTEGER);")
        // Tens of millions of rows: seconds of work, killed long before it can finish.
        let slow = """
            CREATE TABLE big (n INTEGER);
            INSERT INTO big (n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT x FROM c;
            """
        try project.migration("20250101000001", "slow", up: slow)

        let started = try StrataProcess.start(["migrate"], in: project.path)
        let (process, stdout, _) = started
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains("quick: migrated"), Date() < deadline {
            seen += String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains("quick: migrated"), "\(seen)")
        try await Task.sleep(for: .milliseconds(500))
        #expect(process.isRunning, "the slow migration finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        let result = await StrataProcess.finish(started)
        #expect(result.status == SIGKILL)

        // SQLite's journal rolls the interrupted transaction back; the kernel freed the lock.
        let tables = try await project.tables()
        #expect(tables.contains("quick"))
        #expect(!tables.contains("big"))
        #expect(try await project.query("SELECT version FROM strata_migrations").compactMap { $0["version"].text } == ["20250101000000"])
        try project.migration("20250101000001", "slow", up: "CREATE TABLE big (n INTEGER);")
        let rerun = try await project.strata("migrate", "--lock-timeout", "2")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(try await project.tables().contains("big"))
    }

    /// `migrate --atomic` killed outright after some of its migrations ran: the one
    /// transaction never committed, so nothing of the run stays — not even the migrations
    /// reported as ran — and the next run applies them all.
    @Test func processKilledMidAtomicRunLeavesNothing() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "quick", up: "CREATE TABLE quick (id INTEGER);")
        try project.migration("20250101000001", "slow", up: """
            CREATE TABLE big (n INTEGER);
            INSERT INTO big (n) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT x FROM c;
            """)

        let started = try StrataProcess.start(["migrate", "--atomic"], in: project.path)
        let (process, stdout, _) = started
        var seen = ""
        let deadline = Date().addingTimeInterval(120)
        while !seen.contains("quick: ran"), Date() < deadline {
            seen += String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains("== 20250101000000 quick: ran ("), "\(seen)")
        #expect(seen.contains("commits with the others"), "\(seen)")
        try await Task.sleep(for: .milliseconds(500))
        #expect(process.isRunning, "the slow migration finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        #expect(await StrataProcess.finish(started).status == SIGKILL)

        let tables = try await project.tables()
        #expect(!tables.contains("quick"))
        #expect(!tables.contains("big"))
        #expect(try await project.query("SELECT version FROM strata_migrations").isEmpty)
        try project.migration("20250101000001", "slow", up: "CREATE TABLE big (n INTEGER);")
        let rerun = try await project.strata("migrate", "--atomic", "--lock-timeout", "2")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stdout.contains("Committed 2 migrations in one transaction ("), "\(rerun)")
        #expect(try await project.tables().isSuperset(of: ["quick", "big"]))
        #expect(try await project.query("SELECT version FROM strata_migrations").count == 2)
        let resumed = try await project.strata("migrate", "--atomic", "--resume")
        #expect(resumed.status == 2, "\(resumed)")
        #expect(resumed.stderr.contains("--atomic cannot --resume"), "\(resumed)")
    }

    @Test func dbResetAndPrepareOnTheCommandLine() async throws {
        let project = try Project(config: """
            environments:
              development:
                url: sqlite:db/development.sqlite3
                schema_dump: db/schema.sql
              production:
                url: sqlite:db/production.sqlite3
              staging:
                url: sqlite:db/\(String(repeating: "s", count: 222)).sqlite3
            """)
        defer { project.directory.remove() }
        try project.migration("20250101000001", "users", up: "CREATE TABLE users (id INTEGER);")
        try project.migration("20250101000002", "posts", up: "CREATE TABLE posts (id INTEGER);")

        let built = try await project.strata("db", "prepare")
        #expect(built.status == 0, "\(built)")
        #expect(built.stdout.contains("Resetting development (sqlite:db/development.sqlite3): it does not exist"), "\(built)")
        #expect(built.stdout.contains("Committed 2 migrations in one transaction"), "\(built)")
        #expect(built.stdout.contains("Reset development in "), "\(built)")
        #expect(built.stdout.contains("(created): 2 migrations applied in one transaction; kept as db/.development.sqlite3.strata-template-"), "\(built)")
        #expect(FileManager.default.fileExists(atPath: project.path + "/db/schema.sql"))

        let current = try await project.strata("db", "prepare")
        #expect(current.stdout.contains("is up to date; nothing was changed."), "\(current)")

        let cloned = try await project.strata("db", "reset")
        #expect(cloned.status == 0, "\(cloned)")
        #expect(cloned.stdout.contains("(dropped and created): cloned db/.development.sqlite3.strata-template-"), "\(cloned)")
        #expect(cloned.stdout.contains(" (2 migrations)."), "\(cloned)")
        let reset = try await project.strata("db", "reset", "--no-template")
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("(dropped and created): loaded db/schema.sql (2 migrations)."), "\(reset)")
        #expect(try await project.query("SELECT version FROM strata_migrations").count == 2)

        let noDump = try await project.strata("db", "reset", "--no-schema", "--quiet")
        #expect(noDump.status == 0 && noDump.stdout.isEmpty, "\(noDump)")
        #expect(try await project.tables().isSuperset(of: ["users", "posts"]))

        let missing = try await project.strata("db", "reset", "--schema", "nowhere.sql")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("Schema dump nowhere.sql does not exist"), "\(missing)")
        let both = try await project.strata("db", "reset", "--schema", "db/schema.sql", "--no-schema")
        #expect(both.status == 2 && both.stderr.contains("--schema and --no-schema exclude each other"), "\(both)")

        for command in ["reset", "prepare"] {
            let production = try await project.strata("db", command, "--env", "production")
            #expect(production.status == 2, "\(production)")
            #expect(production.stderr.contains("Refusing to drop the production database"), "\(production)")
            #expect(production.stderr.contains("strata db \(command) --env production --yes"), "\(production)")
        }
        #expect(!FileManager.default.fileExists(atPath: project.path + "/db/production.sqlite3"))
        #expect(try await project.strata("db", "prepare", "--env", "production", "--yes", "--no-schema").status == 0)
        #expect(try await project.tables(database: "db/production.sqlite3").isSuperset(of: ["users", "posts"]))

        // `db drop` takes the templates with it.
        let templates = { try FileManager.default.contentsOfDirectory(atPath: project.path + "/db").filter { $0.hasPrefix(".development.sqlite3.strata-template-") } }
        #expect(try templates().count == 1)
        let dropped = try await project.strata("db", "drop")
        #expect(dropped.stdout.contains("Removed its template (kept by db reset): db/.development.sqlite3.strata-template-"), "\(dropped)")
        #expect(try templates().isEmpty)

        // A template that cannot be kept (its file name would pass 255 bytes) is a warning:
        // the database is ready, and the command succeeds.
        let unkept = try await project.strata("db", "reset", "--env", "staging", "--no-schema")
        #expect(unkept.status == 0, "\(unkept)")
        #expect(unkept.stdout.contains("Reset staging in ") && unkept.stdout.contains("(created): 2 migrations applied in one transaction."), "\(unkept)")
        #expect(unkept.stderr.contains("Warning: the database is ready, but it could not be kept as a template, so the next reset builds it again: Cannot copy"), "\(unkept)")
    }

    @Test func seedersRunOnceAreListedAndRevert() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        #expect(try await project.strata("init").status == 0)
        try project.migration("20250101000000", "create-users", up: "CREATE TABLE users (name TEXT NOT NULL);", down: "DROP TABLE users;")
        let generated = try await project.strata("generate", "admin-user", "--seeder")
        #expect(generated.status == 0, "\(generated)")
        #expect(generated.stdout.contains("Created db/seeders/"))
        #expect(try await project.strata("generate", "x", "--seeder", "--template", "create-table").status == 2)
        let seeder = try #require(try FileManager.default.contentsOfDirectory(atPath: project.path + "/db/seeders").first { $0.hasSuffix("-admin-user.sql") })
        try project.write("db/seeders/\(seeder)", "-- migrate:up\nINSERT INTO users (name) VALUES ('admin');\n-- migrate:down\nDELETE FROM users WHERE name = 'admin';\n")
        #expect(try await project.strata("migrate").status == 0)

        let seeded = try await project.strata("seed")
        #expect(seeded.status == 0, "\(seeded)")
        #expect(seeded.stdout.contains("admin-user: seeded ("))
        let again = try await project.strata("seed")
        #expect(again.stdout.contains("Nothing to seed"), "\(again)")
        #expect(try await project.query("SELECT COUNT(*) AS n FROM users").first?["n"].integer == 1)
        #expect(try await project.query("SELECT name FROM strata_seeds").first?["name"].text == "admin-user")

        let status = try await project.strata("status", "--json")
        #expect(status.stdout.contains("\"seeders\":[{"), "\(status)")
        #expect(status.stdout.contains("\"name\":\"admin-user\",\"state\":\"applied\""))
        #expect(try await project.strata("status").stdout.contains("Seeders in db/seeders"))

        let undone = try await project.strata("seed", "--undo")
        #expect(undone.status == 0, "\(undone)")
        #expect(undone.stdout.contains("admin-user: reverted"))
        #expect(try await project.query("SELECT COUNT(*) AS n FROM users").first?["n"].integer == 0)
        #expect(try await project.strata("seed", "--all").status == 2)

        // A failing seeder is reported as a seeder, with the seed command to run again.
        try project.write("db/seeders/20300101000000-broken.sql", "-- migrate:up\nINSERT INTO nowhere VALUES (1);\n")
        let broken = try await project.strata("seed")
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stderr.contains("Seeder 20300101000000-broken failed at db/seeders/20300101000000-broken.sql:2"), "\(broken)")
        #expect(broken.stderr.contains("run `strata seed` again"))
    }

    @Test func databaseCreateDropAndWait() async throws {
        let project = try Project(config: "environments:\n  development:\n    url: sqlite:data/dev.sqlite3\n  production:\n    url: sqlite:data/prod.sqlite3\n")
        defer { project.directory.remove() }
        let waited = try await project.strata("wait", "--timeout", "5")
        #expect(waited.status == 0, "\(waited)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/data/dev.sqlite3"))

        let created = try await project.strata("db", "create", "--env", "production")
        #expect(created.status == 0, "\(created)")
        #expect(FileManager.default.fileExists(atPath: project.path + "/data/prod.sqlite3"))
        let refused = try await project.strata("db", "drop", "--env", "production")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("Refusing to drop the production database"))
        #expect(FileManager.default.fileExists(atPath: project.path + "/data/prod.sqlite3"))
        let dropped = try await project.strata("db", "drop", "--env", "production", "--yes")
        #expect(dropped.status == 0, "\(dropped)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/data/prod.sqlite3"))
    }

    @Test func migrateWithBackupBacksUpFirstAndMigratesNothingIfTheBackupFails() async throws {
        let project = try Project()
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        #expect(try await project.strata("migrate").status == 0)
        try project.migration("20250101000001", "two", up: "CREATE TABLE two (id INTEGER);", down: "DROP TABLE two;")

        // Without gzip on PATH the backup fails: nothing is migrated, and no file is left.
        let failed = try await project.strata("migrate", "--backup", environment: ["PATH": "/nonexistent"])
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("Backup before migrating failed"), "\(failed)")
        #expect(failed.stderr.contains("Nothing was migrated"))
        #expect(try await !project.tables().contains("two"))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: project.path + "/backups")) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")

        let migrated = try await project.strata("migrate", "--backup")
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.contains("Backed up to backups/backup-development-"))
        #expect(try await project.tables().contains("two"))
        // The backup, and its manifest beside it.
        let backups = try FileManager.default.contentsOfDirectory(atPath: project.path + "/backups").sorted()
        #expect(backups.count == 2 && backups[1] == backups[0] + ".manifest.json", "\(backups)")
        // Nothing pending: no backup.
        #expect(try await project.strata("migrate", "--backup").status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path + "/backups").sorted() == backups)

        // The backup holds the state before "two"; the database as it was is kept.
        let restore = try await project.strata("restore", "backups/\(backups[0])", "--yes")
        #expect(restore.status == 0, "\(restore)")
        #expect(restore.stdout.contains("checked against its manifest"), "\(restore)")
        #expect(restore.stdout.contains("The database as it was is kept in backups/before-restore-development-"), "\(restore)")
        #expect(try await !project.tables().contains("two"))
        #expect(try await project.tables().contains("one"))
        let unconfirmed = try await project.strata("restore", "backups/\(backups[0])")
        #expect(unconfirmed.status == 2, "\(unconfirmed)")
        #expect(unconfirmed.stderr.contains("Restore cancelled"))
    }

    @Test func deployMigratesThenBecomesTheServerAndNeverStartsItAfterAFailure() async throws {
        let project = try Project(config: "environments:\n  production:\n    url: sqlite:db/production.sqlite3\n    backup_before_migrate: true\n")
        defer { project.directory.remove() }
        try project.migration("20250101000000", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        let started = try StrataProcess.start(["deploy", "--env", "production", "--", "sh", "-c", "echo $$ > server.pid"], in: project.path)
        let result = await StrataProcess.finish(started)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Backed up to backups/backup-production-"))
        #expect(result.stdout.contains("one: migrated"))
        // exec: the server runs as the same process strata was.
        let pid = try String(contentsOfFile: project.path + "/server.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(pid == String(started.0.processIdentifier))
        #expect(try await project.tables(database: "db/production.sqlite3").contains("one"))

        try FileManager.default.removeItem(atPath: project.path + "/server.pid")
        try project.migration("20250101000001", "broken", up: "CREATE TABLE two (id INTEGER);\nINSERT INTO nowhere VALUES (1);")
        let failed = try await project.strata("deploy", "--env", "production", "--", "sh", "-c", "echo $$ > server.pid")
        #expect(failed.status == 1, "\(failed)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/server.pid"))
        #expect(failed.stderr.contains("Deploy failed: Migration 20250101000001-broken failed"), "\(failed)")
        #expect(failed.stderr.contains("The server was not started. No migration was applied."))
        #expect(failed.stderr.contains("strata restore backups/backup-production-"))
        #expect(failed.stderr.contains("--env production --yes"))
        #expect(try await !project.tables(database: "db/production.sqlite3").contains("two"))
    }

    @Test func replicasDeployingAtOnceMigrateOnceAndBackUpOnce() async throws {
        let project = try Project(config: "environments:\n  production:\n    url: sqlite:db/production.sqlite3\n    backup_before_migrate: true\n")
        defer { project.directory.remove() }
        try project.migration("20250101000000", "create-runs", up: "CREATE TABLE runs (version TEXT NOT NULL);")
        for number in 1...20 {
            let version = String(format: "20250102%06d", number)
            try project.migration(version, "run-\(number)", up: "INSERT INTO runs (version) VALUES ('\(version)');")
        }
        #expect(try await project.strata("db", "create", "--env", "production").status == 0)
        let replicas = try (0..<4).map { replica in
            try StrataProcess.start(["deploy", "--env", "production", "--", "sh", "-c", "echo started > replica-\(replica)"], in: project.path)
        }
        var results: [StrataProcess.Result] = []
        for replica in replicas { results.append(await StrataProcess.finish(replica)) }
        for result in results { #expect(result.status == 0, "\(result)") }
        for replica in 0..<4 { #expect(FileManager.default.fileExists(atPath: project.path + "/replica-\(replica)")) }
        let rows = try await project.query("SELECT version, COUNT(*) AS n FROM runs GROUP BY version", database: "db/production.sqlite3")
        #expect(rows.count == 20)
        #expect(rows.allSatisfy { $0["n"].integer == 1 })
        // One replica had something to apply, so one backup was taken.
        let backups = try FileManager.default.contentsOfDirectory(atPath: project.path + "/backups")
        #expect(backups.filter { !$0.hasSuffix(".manifest.json") }.count == 1, "\(backups)")
        let refused = try await project.strata("restore", "backups/x.sqlite3.gz", "--env", "production")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("Refusing to restore into the production database without --yes"))
    }
}
