import Foundation
import Strata
import Testing

/// One bad input: what is done to a project whose first two of three migrations are
/// applied, the command then run, and what it must answer.
struct BadInput: Sendable, CustomTestStringConvertible {
    /// What is wrong, in a few words: the test's name in the report.
    let name: String
    /// The command run on it.
    let arguments: [String]
    /// The exit status it must end with.
    let status: Int32
    /// What its message must say: the thing that is wrong, and where.
    let says: [String]
    /// Makes the input bad, after the two migrations were applied.
    let prepare: @Sendable (Workspace) async throws -> Void

    init(_ name: String, _ arguments: [String], _ status: Int32, says: [String], prepare: @escaping @Sendable (Workspace) async throws -> Void) {
        self.name = name
        self.arguments = arguments
        self.status = status
        self.says = says
        self.prepare = prepare
    }

    var testDescription: String { name }
}

/// The bad-input corpus: configurations, migration files, command lines and databases that
/// are wrong in one way each. Every case must end with its documented exit status, name what
/// is wrong and where, and change nothing — no file of the project, not the database file.
@Suite struct BadInputCorpusTests {
    @Test(arguments: BadInputCorpus.configuration + BadInputCorpus.files + BadInputCorpus.commandLines + BadInputCorpus.databases)
    func aBadInputIsNamedAndChangesNothing(_ input: BadInput) async throws {
        let workspace = try await Workspace(.sqliteFile)
        defer { Task { await workspace.remove() } }
        for (version, name) in [("20250101000001", "create-users"), ("20250101000002", "create-posts"), ("20250101000003", "create-tags")] {
            let table = name.dropFirst("create-".count)
            try workspace.migration(version, name, up: "CREATE TABLE \(table) (id INTEGER PRIMARY KEY);", down: "DROP TABLE \(table);")
        }
        let applied = try await workspace.strata(["migrate", "--to", "20250101000002"])
        try #require(applied.status == 0, "\(applied)")
        try await input.prepare(workspace)
        try await workspace.expectNothingChanged(input.arguments, status: input.status, says: input.says)
    }

    /// A migration its user may not read (mode 000, Strata run as `nobody`: root reads
    /// anything): named, with the reason, and nothing changed.
    @Test func aMigrationItsUserMayNotReadIsNamedAndChangesNothing() async throws {
        let workspace = try await Workspace(.sqliteFile)
        defer { Task { await workspace.remove() } }
        try workspace.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY);", down: "DROP TABLE users;")
        let file = workspace.project.path + "/db/migrations/20250101000001-create-users.sql"
        for directory in [workspace.project.path, workspace.project.path + "/db", workspace.project.path + "/db/migrations",
                          ((workspace.db.settings.storage ?? "") as NSString).deletingLastPathComponent] {
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file)
        let before = try await workspace.footprint()
        let run = await StrataProcess.finish(try StrataProcess.start(
            ["-u", "nobody", "--", StrataProcess.binary, "migrate"], in: workspace.project.path, program: "/usr/sbin/runuser"))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("Cannot read migration db/migrations/20250101000001-create-users.sql: Permission denied"), "\(run)")
        #expect(try await workspace.footprint() == before)
    }

    @Test func theCorpusHasSixtyCasesAndNoTwoAlike() {
        let all = BadInputCorpus.configuration + BadInputCorpus.files + BadInputCorpus.commandLines + BadInputCorpus.databases
        #expect(all.count >= 60)
        #expect(Set(all.map(\.name)).count == all.count, "every case is named apart")
    }
}

/// The cases, by kind.
enum BadInputCorpus {
    /// `strata.yml` with `text` in place of the project's.
    private static func configuration(_ text: String) -> @Sendable (Workspace) async throws -> Void {
        { workspace in try workspace.write("strata.yml", text) }
    }

    /// The project's `strata.yml` with its `url:` line followed by `lines` (indented by four).
    private static func environment(adding lines: String) -> @Sendable (Workspace) async throws -> Void {
        { workspace in
            let path = workspace.project.path + "/strata.yml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try (text + lines.split(separator: "\n").map { "    \($0)\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// A migration file named `fileName` holding `text`.
    private static func file(_ fileName: String, _ text: String) -> @Sendable (Workspace) async throws -> Void {
        { workspace in try workspace.write("db/migrations/\(fileName)", text) }
    }

    /// Bytes written as the file at `relativePath` of the project.
    private static func bytes(_ relativePath: String, _ bytes: [UInt8]) -> @Sendable (Workspace) async throws -> Void {
        { workspace in try Data(bytes).write(to: URL(fileURLWithPath: "\(workspace.project.path)/\(relativePath)")) }
    }

    /// SQL run on the workspace's database.
    private static func sql(_ statements: String...) -> @Sendable (Workspace) async throws -> Void {
        { workspace in for statement in statements { _ = try await workspace.db.query(statement) } }
    }

    private static let nothing: @Sendable (Workspace) async throws -> Void = { _ in }

    static let configuration: [BadInput] = [
        BadInput("YAML that does not parse", ["migrate"], 2, says: ["strata.yml:4: malformed YAML"],
                 prepare: configuration("environments:\n  development:\n    url: [sqlite:x.sqlite3\n")),
        BadInput("a tab in the indentation", ["migrate"], 2, says: ["strata.yml"],
                 prepare: configuration("environments:\n\tdevelopment:\n\t\turl: sqlite:x.sqlite3\n")),
        BadInput("an unknown top-level key", ["migrate"], 2, says: ["strata.yml", "enviroments"],
                 prepare: configuration("enviroments:\n  development:\n    url: sqlite:x.sqlite3\n")),
        BadInput("an unknown key of an environment", ["migrate"], 2, says: ["strata.yml", "ulr"],
                 prepare: configuration("environments:\n  development:\n    ulr: sqlite:x.sqlite3\n")),
        BadInput("an environment that is a number", ["migrate"], 2, says: ["strata.yml", "development"],
                 prepare: configuration("environments:\n  development: 5\n")),
        BadInput("an empty configuration", ["migrate"], 2, says: ["strata.yml"], prepare: configuration("")),
        BadInput("a configuration that is a list", ["migrate"], 2, says: ["strata.yml"], prepare: configuration("- development\n- test\n")),
        BadInput("environments that are a list", ["migrate"], 2, says: ["strata.yml", "environments"],
                 prepare: configuration("environments:\n  - development\n")),
        BadInput("an environment without a url", ["migrate"], 2, says: ["strata.yml", "development"],
                 prepare: configuration("environments:\n  development:\n    migrations: db/migrations\n")),
        BadInput("a url of an unknown engine", ["migrate"], 2, says: ["oracle"],
                 prepare: configuration("environments:\n  development:\n    url: oracle://db.example.com/app\n")),
        BadInput("a url that is not a url", ["migrate"], 2, says: ["strata.yml:3", "the url is not valid: it has no scheme"],
                 prepare: configuration("environments:\n  development:\n    url: just some words\n")),
        BadInput("a port that is not a number", ["migrate"], 2, says: ["port"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://u@localhost:54x2/app\n")),
        BadInput("a port out of range", ["migrate"], 2, says: ["70000"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://u@localhost:70000/app\n")),
        BadInput("a PostgreSQL url without a password the server asks for", ["migrate"], 1,
                 says: ["Cannot connect to PostgreSQL at 127.0.0.1:5432 as strata", "asks for a password, and the environment gives none"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://strata@127.0.0.1:5432/strata_test\n")),
        BadInput("an unclosed IPv6 bracket", ["migrate"], 2, says: ["strata.yml:3", "opened with [ but not closed with ]"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://u@[::1/app\n")),
        BadInput("an unknown sslmode", ["migrate"], 2, says: ["sslmode", "bogus"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://u@localhost/app?sslmode=bogus\n")),
        BadInput("an unknown url parameter", ["migrate"], 2, says: ["colour"],
                 prepare: configuration("environments:\n  development:\n    url: postgres://u@localhost/app?colour=blue\n")),
        BadInput("an undefined variable", ["migrate"], 2, says: ["STRATA_CORPUS_UNDEFINED"],
                 prepare: configuration("environments:\n  development:\n    url: ${STRATA_CORPUS_UNDEFINED}\n")),
        BadInput("an unterminated variable", ["migrate"], 2, says: ["${DATABASE_URL"],
                 prepare: configuration("environments:\n  development:\n    url: ${DATABASE_URL\n")),
        BadInput("a repeated key", ["migrate"], 2, says: ["url"],
                 prepare: configuration("environments:\n  development:\n    url: sqlite:a.sqlite3\n    url: sqlite:b.sqlite3\n")),
        BadInput("a configuration that is not UTF-8", ["migrate"], 2, says: ["strata.yml"],
                 prepare: bytes("strata.yml", Array("environments:\n  development:\n    url: sqlite:caf".utf8) + [0xE9, 0x0A])),
        BadInput("a configuration file that does not exist", ["migrate", "--config", "missing.yml"], 2, says: ["missing.yml"], prepare: nothing),
        BadInput("a migrations path that is a file", ["migrate"], 2, says: ["The migrations path", "not-a-directory is a file, not a directory"],
                 prepare: { workspace in
                     try workspace.write("not-a-directory", "")
                     let path = workspace.project.path + "/strata.yml"
                     try ("migrations: not-a-directory\n" + String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
                 }),
        BadInput("a key no environment has", ["migrate"], 2, says: ["strata.yml:4: unknown key `lock_timeout` in environment \"development\"", "Allowed keys:"],
                 prepare: environment(adding: "lock_timeout: soon")),
        BadInput("tenants that are a number", ["migrate", "--all-tenants"], 2, says: ["tenants"],
                 prepare: environment(adding: "tenants: 7")),
    ]

    static let files: [BadInput] = [
        BadInput("a file name without a timestamp", ["migrate"], 2, says: ["Bad migration file name \"create-tags.sql\""],
                 prepare: file("create-tags.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("month 13 in the timestamp", ["migrate"], 2, says: ["20251301000000-x.sql", "timestamp"],
                 prepare: file("20251301000000-x.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("February 30 in the timestamp", ["migrate"], 2, says: ["20250230000000-x.sql"],
                 prepare: file("20250230000000-x.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("an upper-case name", ["migrate"], 2, says: ["20250101000009-Add-Index.sql", "kebab-case"],
                 prepare: file("20250101000009-Add-Index.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("a doubled hyphen in the name", ["migrate"], 2, says: ["20250101000009-add--index.sql", "hyphens"],
                 prepare: file("20250101000009-add--index.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("a name of 201 characters", ["migrate"], 2, says: ["longer than 200 characters"],
                 prepare: file("20250101000009-\(String(repeating: "a", count: 201)).sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("a timestamp without a name", ["migrate"], 2, says: ["20250101000009.sql"],
                 prepare: file("20250101000009.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("a duplicate version", ["migrate"], 2, says: ["Duplicate migration version 20250101000003"],
                 prepare: file("20250101000003-also-tags.sql", "-- migrate:up\nSELECT 1;\n")),
        BadInput("a file that is not UTF-8", ["migrate"], 2, says: ["20250101000009-latin1.sql is not valid UTF-8"],
                 prepare: bytes("db/migrations/20250101000009-latin1.sql", Array("-- migrate:up\nSELECT 'caf".utf8) + [0xE9, 0x27, 0x3B, 0x0A])),
        BadInput("an empty file", ["migrate"], 2, says: ["20250101000009-empty.sql has no `-- migrate:up` section"],
                 prepare: file("20250101000009-empty.sql", "")),
        BadInput("no up section", ["migrate"], 2, says: ["20250101000009-down-only.sql has no `-- migrate:up` section"],
                 prepare: file("20250101000009-down-only.sql", "-- migrate:down\nSELECT 1;\n")),
        BadInput("two up sections", ["migrate"], 2, says: ["20250101000009-twice.sql, line 3", "a second `-- migrate:up` section"],
                 prepare: file("20250101000009-twice.sql", "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n")),
        BadInput("a statement before the first section", ["migrate"], 2, says: ["20250101000009-early.sql, line 1", "before the first"],
                 prepare: file("20250101000009-early.sql", "SELECT 0;\n-- migrate:up\nSELECT 1;\n")),
        BadInput("an unknown section option", ["migrate"], 2, says: ["20250101000009-option.sql, line 1", "transaction:maybe"],
                 prepare: file("20250101000009-option.sql", "-- migrate:up transaction:maybe\nSELECT 1;\n")),
        BadInput("an unterminated string", ["migrate"], 2, says: ["20250101000009-quote.sql, line 3", "unterminated"],
                 prepare: file("20250101000009-quote.sql", "-- migrate:up\nSELECT 1;\nSELECT 'open;\n")),
        BadInput("an unterminated block comment", ["migrate"], 2, says: ["20250101000009-comment.sql, line 2", "unterminated"],
                 prepare: file("20250101000009-comment.sql", "-- migrate:up\n/* never closed\nSELECT 1;\n")),
        BadInput("an unterminated quoted name", ["migrate"], 2, says: ["20250101000009-name.sql, line 2", "unterminated"],
                 prepare: file("20250101000009-name.sql", "-- migrate:up\nCREATE TABLE \"open (id INTEGER);\n")),
        BadInput("an empty guard", ["migrate"], 2, says: ["20250101000009-guard.sql, line 2", "an empty `-- strata:skip-if` guard"],
                 prepare: file("20250101000009-guard.sql", "-- migrate:up\n-- strata:skip-if\nSELECT 1;\n")),
        BadInput("a migration that is a directory", ["migrate"], 1, says: ["20250101000009-folder.sql"],
                 prepare: { workspace in
                     try FileManager.default.createDirectory(atPath: workspace.project.path + "/db/migrations/20250101000009-folder.sql",
                                                             withIntermediateDirectories: true)
                 }),
        BadInput("a symbolic link to nothing", ["migrate"], 1, says: ["20250101000009-dangling.sql"],
                 prepare: { workspace in
                     try FileManager.default.createSymbolicLink(atPath: workspace.project.path + "/db/migrations/20250101000009-dangling.sql",
                                                                withDestinationPath: "nowhere.sql")
                 }),
        BadInput("a loop of symbolic links", ["migrate"], 1, says: ["20250101000009-loop.sql"],
                 prepare: { workspace in
                     let folder = workspace.project.path + "/db/migrations/"
                     try FileManager.default.createSymbolicLink(atPath: folder + "20250101000009-loop.sql", withDestinationPath: "20250101000010-pool.sql")
                     try FileManager.default.createSymbolicLink(atPath: folder + "20250101000010-pool.sql", withDestinationPath: "20250101000009-loop.sql")
                 }),
        BadInput("a migration whose reading fails (a link to /proc/self/mem: EIO)", ["migrate"], 1,
                 says: ["Cannot read migration db/migrations/20250101000009-unreadable.sql: Input/output error"],
                 prepare: { workspace in
                     try FileManager.default.createSymbolicLink(atPath: workspace.project.path + "/db/migrations/20250101000009-unreadable.sql",
                                                                withDestinationPath: "/proc/self/mem")
                 }),
        BadInput("a migration of 100 MB", ["migrate"], 2, says: ["20250101000009-huge.sql", "MB"],
                 prepare: { workspace in
                     let line = Array("INSERT INTO users (id) VALUES (1);\n".utf8)
                     var text = Array("-- migrate:up\n".utf8)
                     text.reserveCapacity(100 << 20)
                     while text.count < 100 << 20 { text += line }
                     try Data(text).write(to: URL(fileURLWithPath: workspace.project.path + "/db/migrations/20250101000009-huge.sql"))
                 }),
        BadInput("a changed applied migration", ["migrate"], 5, says: ["changed: db/migrations/20250101000001-create-users.sql"],
                 prepare: file("20250101000001-create-users.sql", "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n")),
        BadInput("a deleted applied migration", ["migrate"], 5, says: ["20250101000002-create-posts", "missing"],
                 prepare: { workspace in try FileManager.default.removeItem(atPath: workspace.project.path + "/db/migrations/20250101000002-create-posts.sql") }),
        BadInput("a seeder with a bad name", ["seed"], 2, says: ["Bad seeder file name \"admin.sql\""],
                 prepare: { workspace in try workspace.write("db/seeders/admin.sql", "-- migrate:up\nSELECT 1;\n") }),
    ]

    static let commandLines: [BadInput] = [
        BadInput("an unknown command", ["migrat"], 2, says: ["migrat"], prepare: nothing),
        BadInput("an unknown option", ["migrate", "--colour"], 2, says: ["--colour"], prepare: nothing),
        BadInput("--to a version that is not 14 digits", ["migrate", "--to", "2025"], 2, says: ["2025"], prepare: nothing),
        BadInput("--to a version of no migration", ["migrate", "--to", "20300101000000"], 2, says: ["No migration has version 20300101000000"], prepare: nothing),
        BadInput("--step that is not a number", ["migrate", "--step", "two"], 2, says: ["two"], prepare: nothing),
        BadInput("--step zero on undo", ["undo", "--step", "0"], 2, says: ["--step must be 1 or more"], prepare: nothing),
        BadInput("--step and --to together", ["undo", "--step", "1", "--to", "20250101000001"], 2, says: ["--step", "--to"], prepare: nothing),
        BadInput("--all with --step", ["undo", "--all", "--step", "1"], 2, says: ["--all"], prepare: nothing),
        BadInput("a negative lock timeout", ["migrate", "--lock-timeout=-3"], 2, says: ["--lock-timeout must be zero or more seconds"], prepare: nothing),
        BadInput("--from-statement without --resume", ["migrate", "--from-statement", "2"], 2, says: ["--from-statement goes with --resume"], prepare: nothing),
        BadInput("--atomic with --resume", ["migrate", "--atomic", "--resume"], 2, says: ["--atomic", "--resume"], prepare: nothing),
        BadInput("resolve without what to record", ["resolve", "20250101000001"], 2, says: ["--applied", "--rolled-back"], prepare: nothing),
        BadInput("resolve of a migration that is not dirty", ["resolve", "20250101000001", "--applied"], 2,
                 says: ["Migration 20250101000001 is not dirty"], prepare: nothing),
        BadInput("an environment that is not configured", ["status", "--env", "staging"], 2, says: ["Unknown environment \"staging\""], prepare: nothing),
        BadInput("an empty environment name", ["status", "--env", ""], 2, says: ["--env was given an empty environment name"], prepare: nothing),
        BadInput("a generated name with spaces", ["generate", "add an index"], 2, says: ["add an index"], prepare: nothing),
        BadInput("an unknown template", ["generate", "add-index", "--template", "nonsense"], 2, says: ["nonsense"], prepare: nothing),
        BadInput("--concurrency without tenants", ["migrate", "--concurrency", "4"], 2, says: ["--concurrency"], prepare: nothing),
        BadInput("--all-tenants and --tenant together", ["migrate", "--all-tenants", "--tenant", "a"], 2, says: ["--all-tenants", "--tenant"], prepare: nothing),
        BadInput("--schema and --no-schema together", ["db", "reset", "--schema", "db/schema.sql", "--no-schema"], 2,
                 says: ["--schema and --no-schema exclude each other"], prepare: nothing),
        BadInput("restoring a file that does not exist", ["restore", "backups/none.gz", "--yes"], 2, says: ["backups/none.gz"], prepare: nothing),
    ]

    static let databases: [BadInput] = [
        BadInput("a database file that is not a database", ["migrate"], 1, says: ["not a database"],
                 prepare: { workspace in
                     try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: workspace.db.settings.storage ?? ""))
                 }),
        BadInput("a history row whose version is not 14 digits", ["migrate"], 1, says: ["strata_migrations", "2025"],
                 prepare: sql("INSERT INTO strata_migrations (version, name, checksum, applied_at, execution_ms) VALUES ('2025', 'short', 'x', '2025-01-01 00:00:00', 0)")),
        BadInput("a tampered checksum", ["migrate"], 5, says: ["changed: db/migrations/20250101000001-create-users.sql"],
                 prepare: sql("UPDATE strata_migrations SET checksum = 'feedface' WHERE version = '20250101000001'")),
        BadInput("a history table with other columns", ["migrate"], 1, says: ["strata_migrations"],
                 prepare: sql("DROP TABLE strata_migrations", "CREATE TABLE strata_migrations (id INTEGER)")),
        BadInput("a lock file that is a directory", ["migrate"], 1, says: ["strata-lock"],
                 prepare: { workspace in
                     let lock = (workspace.db.settings.storage ?? "") + ".strata-lock"
                     try? FileManager.default.removeItem(atPath: lock)
                     try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: true)
                 }),
        BadInput("a progress row Strata cannot read", ["migrate"], 1,
                 says: ["The table strata_migrations_progress has a row Strata cannot read (version \"20250101000007\")", "fix or delete that row"],
                 prepare: { workspace in
                     _ = try await workspace.db.query("""
                         CREATE TABLE IF NOT EXISTS strata_migrations_progress (version VARCHAR(14) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, \
                         checksum VARCHAR(64) NOT NULL, direction VARCHAR(4) NOT NULL, started_at TIMESTAMP NOT NULL, statements_done BIGINT NOT NULL, \
                         statements_total BIGINT NOT NULL, failed_line BIGINT, error TEXT)
                         """)
                     _ = try await workspace.db.query("""
                         INSERT INTO strata_migrations_progress VALUES ('20250101000007', 'ghost', 'abc', 'up', '2025-01-01 00:00:00', 1, 2, NULL, NULL)
                         """)
                 }),
    ]
}
