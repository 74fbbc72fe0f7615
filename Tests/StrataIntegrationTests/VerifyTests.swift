import Foundation
import Logging
import Strata
import Testing

/// `strata verify` on every engine: exact rollbacks pass; a down that forgets an index, one
/// that drops a column it did not add, a missing down and a failing up are each reported by
/// migration and object; the environment's database is never touched and the scratch
/// database is always dropped.
@Suite struct VerifyTests {
    /// A project of `db`'s with migrations given as (version, name, up, down); `down: nil`
    /// writes no down section.
    static func project(_ db: FreshDatabase, _ migrations: [(String, String, String, String?)]) throws -> TemporaryDirectory {
        let project = try db.project([])
        for (version, name, up, down) in migrations {
            var text = "-- migrate:up\n\(up)\n"
            if let down { text += "-- migrate:down\n\(down)\n" }
            try text.write(toFile: "\(project.path)/db/migrations/\(version)-\(name).sql", atomically: true, encoding: .utf8)
        }
        return project
    }

    /// The scratch database a run printed, dropped here: `true` if it still existed.
    static func scratchLeftBehind(_ result: StrataProcess.Result, db: FreshDatabase) async throws -> Bool {
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Verifying the rollbacks") }, "\(result)")
        let url = try #require(line.split(separator: "(").last.map { String($0.dropLast()) })
        var scratch = try DatabaseURL.parse(url)
        scratch.password = db.settings.password
        scratch.schema = nil
        return try await db.engine.driver.dropDatabase(scratch, logger: Logger(label: "test"))
    }

    /// Whether the environment's own database was left as it was: no table, no history.
    static func untouched(_ db: FreshDatabase) async throws -> Bool {
        let history = try await db.hasTable("strata_migrations")
        let items = try await db.hasTable("items")
        return !history && !items
    }

    @Test(arguments: TestDatabase.all)
    func exactRollbacksPassAndTheEnvironmentIsNeverTouched(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try Self.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);", "DROP TABLE items;"),
            ("20250101000002", "index-items-by-name", "CREATE INDEX idx_items_name ON items (name);", "DROP INDEX idx_items_name\(engine.description == "mysql" ? " ON items" : "");"),
            ("20250101000003", "add-note-to-items", "ALTER TABLE items ADD COLUMN note VARCHAR(200);", "ALTER TABLE items DROP COLUMN note;"),
        ])
        defer { project.remove() }
        let result = try await db.strata(["verify"], in: project)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("== 20250101000003 add-note-to-items: rollback exact"), "\(result)")
        #expect(result.stdout.contains("Every rollback is exact: 3 migrations verified."), "\(result)")
        #expect(try await Self.untouched(db))
        #expect(try await !Self.scratchLeftBehind(result, db: db), "the scratch database must be dropped")

        let json = try await db.strata(["verify", "--json"], in: project)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["exact"] as? Bool == true, "\(json)")
        #expect((object?["migrations"] as? [[String: Any]])?.map { $0["result"] as? String } == ["exact", "exact", "exact"], "\(json)")
    }

    @Test(arguments: TestDatabase.all)
    func aForgottenIndexAndAColumnDroppedTooManyAreReportedByMigrationAndObject(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try Self.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100), note VARCHAR(100));", "DROP TABLE items;"),
            ("20250101000002", "index-items-by-name", "CREATE INDEX idx_items_name ON items (name);", "SELECT 1;"),
            ("20250101000003", "add-extra-to-items", "ALTER TABLE items ADD COLUMN extra INTEGER;", "ALTER TABLE items DROP COLUMN extra;\nALTER TABLE items DROP COLUMN note;"),
        ])
        defer { project.remove() }
        let result = try await db.strata(["verify"], in: project)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("== 20250101000003 add-extra-to-items: its down removed column items.note, which was there before its up"), "\(result)")
        #expect(result.stdout.contains("== 20250101000002 index-items-by-name: its down left behind index items.idx_items_name"), "\(result)")
        #expect(result.stdout.contains("== 20250101000001 create-items: rollback exact"), "\(result)")
        #expect(result.stdout.contains("2 of 3 migrations are not proven to roll back exactly."), "\(result)")
        #expect(try await Self.untouched(db))
        #expect(try await !Self.scratchLeftBehind(result, db: db))

        let json = try await db.strata(["verify", "--json"], in: project)
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let entries = try #require(object?["migrations"] as? [[String: Any]], "\(json)")
        #expect(entries.map { $0["result"] as? String } == ["down_differs", "down_differs", "exact"])
        let left = (entries[1]["differences"] as? [[String: Any]])?.first
        #expect(left?["problem"] as? String == "left_behind" && left?["kind"] as? String == "index" && left?["name"] as? String == "items.idx_items_name", "\(json)")
    }

    @Test(arguments: TestDatabase.all)
    func aMissingDownAndAFailingUpStopVerificationAndStillDropTheScratchDatabase(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let noDown = try Self.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY);", "DROP TABLE items;"),
            ("20250101000002", "create-logs", "CREATE TABLE logs (id INTEGER PRIMARY KEY);", nil),
            ("20250101000003", "create-tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY);", "DROP TABLE tags;"),
        ])
        defer { noDown.remove() }
        let stopped = try await db.strata(["verify"], in: noDown)
        #expect(stopped.status == 1, "\(stopped)")
        #expect(stopped.stdout.contains("== 20250101000003 create-tags: rollback exact"), "\(stopped)")
        #expect(stopped.stdout.contains("== 20250101000002 create-logs: it has no down section"), "\(stopped)")
        #expect(stopped.stdout.contains("== 20250101000001 create-items: not verified: 20250101000002-create-logs could not be rolled back"), "\(stopped)")
        #expect(try await !Self.scratchLeftBehind(stopped, db: db))

        let failing = try Self.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY);", "DROP TABLE items;"),
            ("20250101000002", "broken", "CREATE TABLE items (id INTEGER PRIMARY KEY);", "DROP TABLE items;"),
        ])
        defer { failing.remove() }
        let failed = try await db.strata(["verify"], in: failing)
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stdout.contains("== 20250101000002 broken: applying it from empty failed: "), "\(failed)")
        #expect(failed.stdout.contains("== 20250101000001 create-items: rollback exact"), "\(failed)")
        #expect(try await Self.untouched(db))
        #expect(try await !Self.scratchLeftBehind(failed, db: db), "the scratch database must be dropped even when a migration fails")

        // The environment's own database is never a scratch database.
        let refused = try await db.strata(["verify", "--scratch-url", Self.url(of: db)], in: failing)
        #expect(refused.status == 2 && refused.stderr.contains("names the environment's own database"), "\(refused)")
    }

    /// `db`'s URL, password included.
    static func url(of db: FreshDatabase) -> String {
        let settings = db.settings
        if let storage = settings.storage { return "sqlite:\(storage)" }
        return "\(settings.dialect)://\(settings.username ?? ""):\(settings.password ?? "")@\(settings.host ?? "")\(settings.port.map { ":\($0)" } ?? "")/\(settings.database ?? "")"
            + (settings.schema.map { "?schema=\($0)" } ?? "")
    }

    @Test(arguments: TestDatabase.all)
    func aScratchURLThatIsBadOfAnotherDialectOrNotEmptyIsRefused(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try Self.project(db, [("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY);", "DROP TABLE items;")])
        defer { project.remove() }
        let bad = try await db.strata(["verify", "--scratch-url", "nonsense"], in: project)
        #expect(bad.status == 2 && bad.stderr.contains("--scratch-url is not valid"), "\(bad)")
        let other = engine.server == nil ? "postgres://someone@localhost/scratch" : "sqlite:/tmp/strata-other-dialect.sqlite3"
        let foreign = try await db.strata(["verify", "--scratch-url", other], in: project)
        #expect(foreign.status == 2 && foreign.stderr.contains("but the environment is \(db.settings.dialect)"), "\(foreign)")

        // A database with a table of its own is not a scratch database: verify changes nothing in it.
        let busy = try await engine.fresh()
        defer { Task { await busy.remove() } }
        _ = try await engine.driver.createDatabase(busy.settings, logger: Logger(label: "test"))
        _ = try await busy.query("CREATE TABLE keep_me (id INTEGER)")
        let notEmpty = try await db.strata(["verify", "--scratch-url", Self.url(of: busy)], in: project)
        #expect(notEmpty.status == 5 && notEmpty.stderr.contains("is not empty"), "\(notEmpty)")
        let kept = try await busy.hasTable("keep_me")
        let history = try await busy.hasTable("strata_migrations")
        #expect(kept && !history)
    }

    @Test(.enabled(if: ServerEnvironment.postgresWanted))
    func anEnumTypeLeftBehindOnPostgreSQLIsReported() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let project = try Self.project(db, [
            ("20250101000001", "create-people", "CREATE TYPE mood AS ENUM ('happy', 'sad');\nCREATE TABLE people (id INTEGER PRIMARY KEY, feeling mood);", "DROP TABLE people;"),
        ])
        defer { project.remove() }
        let result = try await db.strata(["verify"], in: project)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("== 20250101000001 create-people: its down left behind type mood"), "\(result)")
        #expect(try await !Self.scratchLeftBehind(result, db: db))
    }
}
