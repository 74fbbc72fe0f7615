import Foundation
import Strata
import Testing

/// A project of the `strata` binary over a fresh database of one engine: SQLite in a file of
/// its own, or a fresh PostgreSQL schema or MariaDB database.
struct Workspace {
    let db: FreshDatabase
    let project: TemporaryDirectory
    let environment: [String: String]

    init(_ engine: TestDatabase) async throws {
        db = try await engine.fresh()
        project = try TemporaryDirectory()
        let configuration = db.settings.storage.map { ("environments:\n  development:\n    url: sqlite://\($0)\n", [String: String]()) }
            ?? db.projectConfiguration()
        environment = configuration.1
        try write("strata.yml", configuration.0)
        try FileManager.default.createDirectory(atPath: project.path + "/db/migrations", withIntermediateDirectories: true)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let full = "\(project.path)/\(relativePath)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func migration(_ version: String, _ name: String, up: String, down: String? = nil) throws {
        try write("db/migrations/\(version)-\(name).sql", "-- migrate:up\n\(up)\n" + (down.map { "-- migrate:down\n\($0)\n" } ?? ""))
    }

    func strata(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> StrataProcess.Result {
        try await StrataProcess.run(arguments, in: project.path, environment: environment.merging(extra) { $1 })
    }

    func remove() async {
        project.remove()
        await db.remove()
    }

    /// Everything a command could change, one line each: every file and directory of the
    /// project and — for SQLite — beside the database file, with its mode and SHA-256 (of the
    /// lock file, whose holder every run that takes the lock writes, only its mode);
    /// for a server, whether the PostgreSQL schema exists, and every table with its columns,
    /// indexes and number of rows.
    func footprint() async throws -> [String] {
        var lines = try Self.files(under: project.path, label: "project")
        if let storage = db.settings.storage {
            lines += try Self.files(under: (storage as NSString).deletingLastPathComponent, label: "database")
            return lines
        }
        if let schema = db.settings.schema {
            let found = try await db.query("SELECT COUNT(*) AS n FROM pg_catalog.pg_namespace WHERE nspname = '\(schema)'")
            lines.append("schema \(schema) exists: \(found.first?["n"].integer == 1)")
        }
        let tables = try await db.introspection()
        lines += tables
        for line in tables where line.hasPrefix("table ") {
            let table = String(line.dropFirst(6))
            let quoted = db.engine.driver.dialect.quoteIdentifier(table)
            lines.append("rows of \(table): \(try await db.query("SELECT COUNT(*) AS n FROM \(quoted)").first?["n"].integer ?? -1)")
        }
        return lines
    }

    private static func files(under root: String, label: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return ["\(label): missing"] }
        var lines: [String] = []
        while let relative = walker.nextObject() as? String {
            let path = "\(root)/\(relative)"
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = String(attributes[.posixPermissions] as? Int ?? -1, radix: 8)
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                // A link's target, not what it points to (which may not exist).
                lines.append("\(label) link \(relative) -> \(try FileManager.default.destinationOfSymbolicLink(atPath: path))")
            } else if attributes[.type] as? FileAttributeType == .typeDirectory {
                lines.append("\(label) dir \(relative) \(mode)")
            } else if relative.hasSuffix(".strata-lock") {
                // The lock's holder (pid, host, time) is written by every run that takes it.
                lines.append("\(label) lock file \(relative) \(mode)")
            } else {
                lines.append("\(label) file \(relative) \(mode) \(try Checksum.sha256(fileAt: path).sha256)")
            }
        }
        return lines.sorted()
    }

    /// Runs `strata ARGUMENTS` and expects it to end with `status`, to say each of `says` on
    /// standard error (or, for status 0, on either stream), and to leave ``footprint()``
    /// exactly as it was: the shared check of every refusal.
    func expectNothingChanged(
        _ arguments: [String], status: Int32, says: [String], environment extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await footprint()
        let run = try await strata(arguments, environment: extra)
        let said = status == 0 ? run.stdout + run.stderr : run.stderr
        #expect(run.status == status, "\(arguments): \(run)", sourceLocation: sourceLocation)
        for fragment in says {
            #expect(said.contains(fragment), "\(arguments) should say \"\(fragment)\": \(run)", sourceLocation: sourceLocation)
        }
        let after = try await footprint()
        #expect(after == before, "\(arguments) changed: \(Set(after).symmetricDifference(before).sorted())", sourceLocation: sourceLocation)
    }
}

/// Every command's refusals, and every command that finds nothing to do, on every engine:
/// the exit status, a message naming what is wrong, and nothing changed — no database file,
/// no schema, no bookkeeping table, no file in the project.
@Suite struct RefusalTests {
    private static let three = [
        ("20250101000001", "create-users", "CREATE TABLE users (id INTEGER PRIMARY KEY);", "DROP TABLE users;"),
        ("20250101000002", "create-posts", "CREATE TABLE posts (id INTEGER PRIMARY KEY);", "DROP TABLE posts;"),
        ("20250101000003", "create-tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY);", "DROP TABLE tags;"),
    ]

    private func workspace(_ engine: TestDatabase) async throws -> Workspace {
        let workspace = try await Workspace(engine)
        for (version, name, up, down) in Self.three { try workspace.migration(version, name, up: up, down: down) }
        return workspace
    }

    /// Before the first migration, the database does not exist yet (SQLite), or has no
    /// schema (PostgreSQL) and no bookkeeping tables: whatever refuses or has nothing to do
    /// must leave it so.
    @Test(arguments: TestDatabase.all)
    func beforeAnythingIsAppliedNothingIsCreated(engine: TestDatabase) async throws {
        let workspace = try await workspace(engine)
        defer { Task { await workspace.remove() } }
        let notes = workspace.project.path + "/notes.txt"
        try "just notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let check = { (arguments: [String], status: Int32, says: [String]) in
            try await workspace.expectNothingChanged(arguments, status: status, says: says)
        }
        try await check(["migrate", "--to", "20300101000000"], 2, ["No migration has version 20300101000000"])
        try await check(["migrate", "--to", "20250101000003-wrong-name"], 2,
                        ["No migration is 20250101000003-wrong-name: version 20250101000003 is 20250101000003-create-tags"])
        try await check(["migrate", "--resume", "--from-statement", "2"], 2, ["--from-statement 2: no dirty migration is there to resume"])
        try await check(["migrate", "--from-statement", "2"], 2, ["--from-statement goes with --resume"])
        try await check(["migrate", "--step", "0"], 2, ["--step must be 1 or more"])
        try await check(["migrate", "--dry-run"], 0, ["Dry run: would apply 3 migrations", "Nothing was changed."])
        try await check(["status"], 0, ["3 pending"])
        try await check(["undo"], 0, ["Nothing to undo: no migration is applied."])
        try await check(["undo", "--all"], 0, ["Nothing to undo: no migration is applied."])
        try await check(["undo", "--to", "20250101000001"], 2,
                        ["Migration 20250101000001-create-users is not applied, so `strata undo --to 20250101000001` cannot leave it applied"])
        try await check(["redo"], 0, ["Nothing to redo: no migration is applied."])
        try await check(["seed"], 0, ["Nothing to seed"])
        try await check(["seed", "--undo"], 0, ["Nothing to revert: no seeder is applied."])
        try await check(["resolve", "20250101000001", "--applied"], 2, ["Migration 20250101000001 is not dirty"])
        try await check(["resolve", "20300101000000", "--applied"], 2, ["No migration has version 20300101000000"])
        try await check(["restore", "notes.txt", "--yes"], 2, ["notes.txt is not", "nothing was restored"])
        // Checked before anyone is asked: no prompt for a file that would be refused.
        try await check(["restore", "notes.txt"], 2, ["notes.txt is not"])
        try await check(["generate", "Bad_Name"], 2, ["Bad_Name"])
        try await check(["init"], 2, ["strata.yml"])
        try await check(["migrate", "--env", ""], 2, ["--env was given an empty environment name"])
        try await workspace.expectNothingChanged(["migrate"], status: 2, says: ["STRATA_ENV is set but empty"], environment: ["STRATA_ENV": ""])
        try await check(["migrate", "--env", "staging"], 2, ["Unknown environment \"staging\""])
        try await check(["migrate", "--config", "db"], 2, ["Configuration file db is a directory", "-C db"])
        try await check(["migrate", "--lock-timeout=-1"], 2, ["--lock-timeout must be zero or more seconds"])
        #expect(try await workspace.strata(["status", "--exit-code"]).status == 3)
    }

    /// Once migrations are applied, a refused command leaves the rows, the history and the
    /// files exactly as they were.
    @Test(arguments: TestDatabase.all)
    func refusalsOfAMigratedDatabaseChangeNothing(engine: TestDatabase) async throws {
        let workspace = try await workspace(engine)
        defer { Task { await workspace.remove() } }
        #expect(try await workspace.strata(["migrate", "--to", "20250101000002"]).status == 0)
        let check = { (arguments: [String], status: Int32, says: [String]) in
            try await workspace.expectNothingChanged(arguments, status: status, says: says)
        }
        // Dropping a production database needs --yes.
        let production = try String(contentsOfFile: workspace.project.path + "/strata.yml", encoding: .utf8).replacing("development:", with: "production:")
        try workspace.write("production.yml", production)
        try await check(["db", "drop", "--config", "production.yml", "--env", "production"], 2, ["--yes"])
        try FileManager.default.removeItem(atPath: workspace.project.path + "/production.yml")
        try await check(["migrate", "--to", "20250101000003-create-tag"], 2,
                        ["No migration is 20250101000003-create-tag: version 20250101000003 is 20250101000003-create-tags"])
        try await check(["undo", "--to", "20250101000001-create-user"], 2, ["No migration is 20250101000001-create-user"])
        try await check(["undo", "--to", "20250101000003"], 2,
                        ["Migration 20250101000003-create-tags is not applied", "--to VERSION reverts the migrations applied after VERSION"])
        try await check(["undo", "--to", "20250101000002"], 0, ["Nothing to undo: no migration newer than 20250101000002 is applied."])
        try await check(["resolve", "20250101000002-create-posts", "--rolled-back"], 2, ["Migration 20250101000002-create-posts is not dirty"])
        try await check(["undo", "--resume", "--from-statement", "1"], 2, ["no dirty migration is there to resume with `strata undo`"])

        // A guard without a query is a parse error that stops every command before it runs.
        try workspace.write("db/migrations/20250101000004-guarded.sql", "-- migrate:up\n-- strata:skip-if\nALTER TABLE users ADD COLUMN x INTEGER;\n")
        for command in [["migrate"], ["status"], ["undo"], ["migrate", "--dry-run"]] {
            try await check(command, 2, ["db/migrations/20250101000004-guarded.sql, line 2: an empty `-- strata:skip-if` guard"])
        }
        try FileManager.default.removeItem(atPath: workspace.project.path + "/db/migrations/20250101000004-guarded.sql")

        // Changed, missing, and without a down section: refused with exit 5.
        try workspace.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);", down: "DROP TABLE posts;")
        try await check(["migrate"], 5, ["changed: db/migrations/20250101000002-create-posts.sql was modified after it was applied"])
        // deploy refuses the same way, and never starts the server (which would write a file).
        try await check(["deploy", "--", "sh", "-c", "touch server-started"], 5, ["changed:", "The server was not started"])
        try await check(["undo"], 5, ["changed:"])
        try await check(["redo"], 5, ["changed:"])
        try workspace.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);", down: "DROP TABLE posts;")
        try FileManager.default.moveItem(atPath: workspace.project.path + "/db/migrations/20250101000001-create-users.sql",
                                         toPath: workspace.project.path + "/users.sql.away")
        try await check(["migrate"], 5, ["missing: 20250101000001-create-users is applied but its file is gone"])
        try FileManager.default.moveItem(atPath: workspace.project.path + "/users.sql.away",
                                         toPath: workspace.project.path + "/db/migrations/20250101000001-create-users.sql")
        try workspace.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);")
        try await check(["undo", "--allow-changed"], 5, ["Migration 20250101000002-create-posts cannot be undone", "has no `-- migrate:down` section"])
        try workspace.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);", down: "DROP TABLE posts;")
        #expect(try await workspace.strata(["status", "--exit-code"]).status == 3)
    }

    /// A project that cannot be read — a badly named or duplicate file, a configuration with
    /// a bad port or a repeated key — stops every command before it connects; a project
    /// with nothing to do creates nothing either.
    @Test(arguments: TestDatabase.all)
    func aBrokenProjectStopsEveryCommandBeforeAnythingIsCreated(engine: TestDatabase) async throws {
        let workspace = try await workspace(engine)
        defer { Task { await workspace.remove() } }
        let commands = [["migrate"], ["undo"], ["redo"], ["status"], ["migrate", "--dry-run"], ["resolve", "20250101000001", "--applied"]]

        try workspace.write("db/migrations/2025-bad.sql", "-- migrate:up\nSELECT 1;\n")
        for command in commands {
            try await workspace.expectNothingChanged(command, status: 2, says: ["Bad migration file name \"2025-bad.sql\"", "Nothing was run."])
        }
        try FileManager.default.removeItem(atPath: workspace.project.path + "/db/migrations/2025-bad.sql")

        try workspace.migration("20250101000001", "again", up: "SELECT 1;")
        for command in commands {
            try await workspace.expectNothingChanged(command, status: 2, says: ["Duplicate migration version 20250101000001"])
        }
        try FileManager.default.removeItem(atPath: workspace.project.path + "/db/migrations/20250101000001-again.sql")

        try workspace.write("db/seeders/admin.sql", "-- migrate:up\nSELECT 1;\n")
        for command in [["seed"], ["seed", "--undo"], ["status"]] {
            try await workspace.expectNothingChanged(command, status: 2, says: ["Bad seeder file name \"admin.sql\"", "db/seeders"])
        }
        try FileManager.default.removeItem(atPath: workspace.project.path + "/db/seeders/admin.sql")

        // A URL's port out of range is a configuration error (2), not a refused connection.
        for port in ["0", "70000", "abc"] {
            try workspace.write("bad-port.yml", "environments:\n  development:\n    url: postgres://app:pw@127.0.0.1:\(port)/app\n")
            try await workspace.expectNothingChanged(["migrate", "--config", "bad-port.yml"], status: 2,
                                                     says: ["bad-port.yml:3", "its port \"\(port)\" is not a number from 1 to 65535"])
        }
        try workspace.write("repeated.yml", "environments:\n  development:\n    url: sqlite:a.sqlite3\n    url: sqlite:b.sqlite3\n")
        try await workspace.expectNothingChanged(["migrate", "--config", "repeated.yml"], status: 2,
                                                 says: ["repeated.yml:4: duplicate key `url` (first given on line 3)"])

        // Nothing to back up yet: said, and no backups directory left behind (MariaDB's
        // fresh database exists, and is backed up).
        if engine.server == nil || engine.driver.dialects.contains("postgres") {
            try await workspace.expectNothingChanged(["backup"], status: 1, says: ["there is nothing to back up"])
        }

        // An empty migrations directory: nothing to do, and nothing created.
        for (version, name, _, _) in Self.three {
            try FileManager.default.removeItem(atPath: "\(workspace.project.path)/db/migrations/\(version)-\(name).sql")
        }
        try await workspace.expectNothingChanged(["migrate"], status: 0, says: ["Nothing to migrate"])
        try await workspace.expectNothingChanged(["undo"], status: 0, says: ["Nothing to undo: no migration is applied."])
        try await workspace.expectNothingChanged(["redo"], status: 0, says: ["Nothing to redo: no migration is applied."])
    }

    /// A history table that is not Strata's: the run stops at reading it, and creates no
    /// progress table (or anything else) first.
    @Test(arguments: TestDatabase.all)
    func aForeignHistoryTableStopsTheRunBeforeAnythingIsCreated(engine: TestDatabase) async throws {
        let workspace = try await workspace(engine)
        defer { Task { await workspace.remove() } }
        // The database and its schema exist (a first run would create them), with a
        // strata_migrations table of some other tool's shape.
        #expect(try await workspace.strata(["migrate", "--to", "20250101000001"]).status == 0)
        #expect(try await workspace.strata(["undo"]).status == 0)
        _ = try await workspace.db.query("DROP TABLE strata_migrations")
        _ = try await workspace.db.query("DROP TABLE strata_migrations_progress")
        _ = try await workspace.db.query("CREATE TABLE strata_migrations (id INTEGER, label VARCHAR(20))")
        for command in [["migrate"], ["undo"], ["redo"], ["status"], ["resolve", "20250101000001", "--applied"]] {
            try await workspace.expectNothingChanged(command, status: 1, says: ["strata_migrations"])
        }
        #expect(try await !workspace.db.hasTable("strata_migrations_progress"))
    }
}
