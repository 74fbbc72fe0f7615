import Foundation
import Strata
import Testing

/// `strata baseline` and `strata import` as a user runs them, on every engine: what they
/// print, how `status` and `undo` treat baselined migrations, and their refusals, each
/// checked to change nothing.
@Suite struct AdoptionCommandLineTests {
    @Test(arguments: TestDatabase.all)
    func baselineAndImportFromTheCommandLine(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        defer { Task { await workspace.remove() } }
        try workspace.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY);", down: "DROP TABLE users;")
        try workspace.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);", down: "DROP TABLE posts;")
        try workspace.migration("20250101000003", "create-tags", up: "CREATE TABLE tags (id INTEGER PRIMARY KEY);", down: "DROP TABLE tags;")
        // The database exists, with the tables of the first two migrations.
        let connection = try await workspace.db.connect()
        try await connection.closeAfter {
            try await connection.prepareForChanges()
            try await connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
            try await connection.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY)")
        }

        try await workspace.expectNothingChanged(["baseline", "20250101000002", "--dry-run"], status: 0,
                                                 says: ["Dry run: would record 2 migrations as baseline", "== 20250101000002 create-posts: baseline", "Nothing was changed."])
        try await workspace.expectNothingChanged(["baseline", "20300101000000"], status: 5, says: ["no migration has version 20300101000000", "Nothing was recorded."])
        try await workspace.expectNothingChanged(["import", "sequelize"], status: 2, says: ["no table SequelizeMeta", "nothing was imported"])
        try await workspace.expectNothingChanged(["import", "flyway"], status: 2, says: ["flyway"])

        let baselined = try await workspace.strata(["baseline", "20250101000002"])
        #expect(baselined.status == 0, "\(baselined)")
        #expect(baselined.stdout.contains("Recorded 2 migrations as baseline"), "\(baselined)")
        let status = try await workspace.strata(["status"])
        #expect(status.stdout.contains("  baseline  20250101000001  create-users"), "\(status)")
        #expect(status.stdout.contains("  pending   20250101000003  create-tags"), "\(status)")
        #expect(status.stdout.contains("2 baseline, 1 pending."), "\(status)")
        let json = try await workspace.strata(["status", "--json"])
        #expect(json.stdout.contains("\"name\":\"create-posts\",\"state\":\"baseline\""), "\(json)")

        try await workspace.expectNothingChanged(["baseline"], status: 5, says: ["the history already records migrations up to 20250101000003"])
        try await workspace.expectNothingChanged(["undo"], status: 5, says: ["Refusing to undo 20250101000002-create-posts", "--allow-baseline"])
        try await workspace.expectNothingChanged(["redo"], status: 5, says: ["--allow-baseline"])
        let migrated = try await workspace.strata(["migrate"])
        #expect(migrated.stdout.contains("== 20250101000003 create-tags: migrated"), "\(migrated)")
        #expect(!migrated.stdout.contains("create-users"), "\(migrated)")
        let undone = try await workspace.strata(["undo", "--step", "2", "--allow-baseline"])
        #expect(undone.status == 0, "\(undone)")
        #expect(undone.stdout.contains("2 migrations reverted."), "\(undone)")
        #expect(try await workspace.strata(["status", "--json"]).stdout.contains("\"name\":\"create-users\",\"state\":\"baseline\""))
    }

    /// A database built without migrations — an ORM's `sync` — becomes migration-managed in
    /// one step: its schema becomes a migration, recorded as baseline, which builds the same
    /// schema on a new database and drops it on undo.
    @Test(arguments: TestDatabase.all)
    func baselineFromTheDatabaseWritesAMigrationThatBuildsTheSameSchema(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        defer { Task { await workspace.remove() } }
        try await workspace.expectNothingChanged(["baseline", "--from-database", "initial-schema"], status: 5, says: ["it has no tables"])
        let connection = try await workspace.db.connect()
        try await connection.closeAfter {
            try await connection.prepareForChanges()
            try await connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL)")
            try await connection.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id))")
            try await connection.execute("CREATE UNIQUE INDEX users_email ON users (email)")
            try await connection.execute("CREATE VIEW emails AS SELECT email FROM users")
            try await connection.execute("INSERT INTO users (id, email) VALUES (1, 'ada@example.com')")
        }
        let dryRun = try await workspace.strata(["baseline", "--from-database", "initial-schema", "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(dryRun.stdout.contains("-- migrate:down"), "\(dryRun)")
        #expect(dryRun.stdout.contains("would write db/migrations/VERSION-initial-schema.sql"), "\(dryRun)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.project.path + "/db/migrations").isEmpty)

        let adopted = try await workspace.strata(["baseline", "--from-database", "initial-schema"])
        #expect(adopted.status == 0, "\(adopted)")
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace.project.path + "/db/migrations")
        #expect(files.count == 1 && files[0].hasSuffix("-initial-schema.sql"), "\(files)")
        #expect(try await workspace.strata(["status", "--json"]).stdout.contains("\"name\":\"initial-schema\",\"state\":\"baseline\""))
        #expect(try await workspace.db.query("SELECT email FROM users").first?["email"].text == "ada@example.com")
        try await workspace.expectNothingChanged(["baseline", "--from-database", "again"], status: 5, says: ["the project already has migrations"])
        #expect(try await workspace.strata(["schema", "dump", "--quiet"]).status == 0)

        // On a new database the migration builds the same schema, and its down drops it.
        let twin = try await Workspace(engine)
        defer { Task { await twin.remove() } }
        try twin.write("db/migrations/\(files[0])", try String(contentsOfFile: "\(workspace.project.path)/db/migrations/\(files[0])", encoding: .utf8))
        try twin.write("db/schema.sql", try String(contentsOfFile: workspace.project.path + "/db/schema.sql", encoding: .utf8))
        let migrated = try await twin.strata(["migrate"])
        #expect(migrated.status == 0, "\(migrated)")
        let check = try await twin.strata(["schema", "check"])
        #expect(check.status == 0, "\(check)")
        #expect(try await twin.strata(["undo"]).status == 0)
        let left = try await twin.db.introspection()
        #expect(left.isEmpty, "\(left)")
    }
}
