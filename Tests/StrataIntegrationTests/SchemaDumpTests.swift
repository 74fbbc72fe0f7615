import Foundation
import Strata
import Testing

/// `strata schema dump | load | check` as a user runs them, on every engine: the same bytes
/// twice and after a load, a load refused on a database that has tables, drift named
/// object by object, bad files refused, and `schema_dump:` keeping the file current.
@Suite struct SchemaDumpTests {
    private func write(_ workspace: Workspace) throws {
        try workspace.migration("20250101000001", "create-users", up: """
            CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);
            CREATE UNIQUE INDEX users_email ON users (email);
            """, down: "DROP TABLE users;")
        try workspace.migration("20250101000002", "create-posts", up: """
            CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title VARCHAR(100));
            CREATE VIEW post_titles AS SELECT id, title FROM posts;
            """, down: "DROP VIEW post_titles;\nDROP TABLE posts;")
    }

    private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test(arguments: TestDatabase.all)
    func aDumpIsDeterministicLoadsIntoAnEmptyDatabaseAndFindsDrift(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        defer { Task { await workspace.remove() } }
        try write(workspace)
        #expect(try await workspace.strata(["migrate"]).status == 0)
        let dumped = try await workspace.strata(["schema", "dump"])
        #expect(dumped.status == 0, "\(dumped)")
        let path = workspace.project.path + "/db/schema.sql"
        let first = try text(path)
        #expect(first.hasPrefix("-- Strata schema dump (dialect: \(workspace.db.settings.dialect))"), "\(first)")
        #expect(first.contains("users_email") && first.contains("post_titles"), "\(first)")
        // The statements that record the applied migrations, the same on every machine.
        let applied = first.split(separator: "\n").drop { !$0.hasPrefix("-- strata:applied-migrations") }.dropFirst()
        #expect(applied.count == 2, "\(first)")
        #expect(applied.allSatisfy { $0.hasPrefix("INSERT INTO ") && $0.hasSuffix(", 0);") }, "\(first)")
        #expect(applied.first?.contains("VALUES ('20250101000001', 'create-users', '") == true, "\(first)")
        #expect(!first.contains("strata_migrations ("), "Strata's own tables are not part of the schema: \(first)")
        // Dumped again: the same bytes.
        #expect(try await workspace.strata(["schema", "dump", "--quiet"]).status == 0)
        #expect(try text(path) == first)
        #expect(try await workspace.strata(["schema", "check"]).status == 0)

        // Loaded into an empty database of the same engine: its migrations are applied, and
        // its dump is the same bytes.
        let twin = try await Workspace(engine)
        defer { Task { await twin.remove() } }
        try write(twin)
        try twin.write("db/schema.sql", first)
        let loaded = try await twin.strata(["schema", "load"])
        #expect(loaded.status == 0, "\(loaded)")
        #expect(loaded.stdout.contains("2 migrations recorded as applied"), "\(loaded)")
        #expect(try await twin.strata(["status", "--exit-code"]).status == 0)
        #expect(try await twin.strata(["schema", "dump", "--output", "again.sql", "--quiet"]).status == 0)
        #expect(try text(twin.project.path + "/again.sql") == first)
        // Loading into a database that has tables is refused, and changes nothing.
        try await twin.expectNothingChanged(["schema", "load"], status: 5, says: ["Refusing to load db/schema.sql: the database already has tables (posts, users)"])

        // Drift: a column and an index added by hand are named; the exit status is 3.
        _ = try await twin.db.query("ALTER TABLE users ADD COLUMN nickname VARCHAR(20)")
        _ = try await twin.db.query("CREATE INDEX posts_title ON posts (title)")
        let drift = try await twin.strata(["schema", "check"])
        #expect(drift.status == 3, "\(drift)")
        #expect(drift.stdout.contains("  column users.nickname: in the database, not in db/schema.sql"), "\(drift)")
        #expect(drift.stdout.contains("  index posts.posts_title: in the database, not in db/schema.sql"), "\(drift)")
    }

    @Test(arguments: TestDatabase.all)
    func badDumpsAreRefusedAndChangeNothing(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        defer { Task { await workspace.remove() } }
        try write(workspace)
        try workspace.write("notes.sql", "CREATE TABLE notes (id INTEGER);\n")
        try await workspace.expectNothingChanged(["schema", "load", "notes.sql"], status: 2, says: ["notes.sql is not a schema dump written by `strata schema dump`"])
        try await workspace.expectNothingChanged(["schema", "check", "notes.sql"], status: 2, says: ["notes.sql is not a schema dump"])
        try await workspace.expectNothingChanged(["schema", "load", "missing.sql"], status: 2, says: ["Schema dump missing.sql does not exist"])
        let other = engine.description == "sqlite" ? "postgres" : "sqlite"
        try workspace.write("other.sql", "-- Strata schema dump (dialect: \(other)). Written by `strata schema dump`; do not edit.\n\n-- strata:applied-migrations\n")
        try await workspace.expectNothingChanged(["schema", "load", "other.sql"], status: 2, says: ["other.sql is a schema dump of a \(other) database"])
        try workspace.write("truncated.sql", "-- Strata schema dump (dialect: \(workspace.db.settings.dialect)). Written by `strata schema dump`; do not edit.\n\nCREATE TABLE a (id INTEGER);\n")
        try await workspace.expectNothingChanged(["schema", "load", "truncated.sql"], status: 2, says: ["truncated.sql has no `-- strata:applied-migrations` section"])
    }

    @Test(arguments: TestDatabase.all)
    func schemaDumpInTheConfigurationFollowsEveryChange(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        defer { Task { await workspace.remove() } }
        try write(workspace)
        let configuration = try text(workspace.project.path + "/strata.yml")
        try workspace.write("strata.yml", configuration + "    schema_dump: db/schema.sql\n")
        let path = workspace.project.path + "/db/schema.sql"
        let migrated = try await workspace.strata(["migrate", "--step", "1"])
        #expect(migrated.stdout.contains("Wrote the schema to db/schema.sql"), "\(migrated)")
        #expect(try text(path).contains("users_email") && !text(path).contains("post_titles"))
        #expect(try await workspace.strata(["migrate"]).status == 0)
        #expect(try text(path).contains("post_titles"))
        #expect(try await workspace.strata(["undo"]).status == 0)
        #expect(try !text(path).contains("post_titles"))
        // Nothing to do: the file is left as it is.
        let before = try text(path)
        #expect(try await workspace.strata(["undo", "--to", "20250101000001"]).status == 0)
        #expect(try text(path) == before)
    }
}
