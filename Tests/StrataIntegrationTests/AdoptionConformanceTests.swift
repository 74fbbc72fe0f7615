import Foundation
import Strata
import Testing

/// Adopting a database Strata did not migrate — `baseline`, and `import` of another tool's
/// history — on every engine: only later migrations run, the data stays, baselined
/// migrations are marked and not undone by accident, and a refusal records nothing.
@Suite struct AdoptionConformanceTests {
    /// A database as an ORM's `sync` or another tool left it: two tables with rows, and
    /// Strata migrations for them plus a later one.
    private func adoptable(_ engine: TestDatabase) async throws -> FreshDatabase {
        let db = try await engine.fresh()
        try db.write("20250519123045", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40));", down: "DROP TABLE users;")
        try db.write("20250520090000", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);", down: "DROP TABLE posts;")
        try db.write("20250601000000", "create-tags", up: "CREATE TABLE tags (id INTEGER PRIMARY KEY);", down: "DROP TABLE tags;")
        // The tables exist before Strata: made here over a connection of its own (a
        // PostgreSQL test schema is created the way a run would create it).
        let connection = try await db.connect()
        try await connection.closeAfter {
            try await connection.prepareForChanges()
            try await connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40))")
            try await connection.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER)")
            try await connection.execute("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace')")
            try await connection.execute("INSERT INTO posts (id, user_id) VALUES (10, 1)")
        }
        return db
    }

    private func states(_ db: FreshDatabase) async throws -> [String] {
        try await db.migrator().status().map { "\($0.id.name) \($0.state.rawValue)" }
    }

    private func dataIsIntact(_ db: FreshDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let users = try await db.query("SELECT name FROM users ORDER BY id").compactMap { $0["name"].text }
        #expect(users == ["ada", "grace"], sourceLocation: sourceLocation)
        #expect(try await db.query("SELECT user_id FROM posts").compactMap { $0["user_id"].integer } == [1], sourceLocation: sourceLocation)
    }

    @Test(arguments: TestDatabase.all)
    func baselineRecordsWithoutRunningAndOnlyLaterMigrationsRun(engine: TestDatabase) async throws {
        let db = try await adoptable(engine)
        defer { Task { await db.remove() } }

        // A dry run names what it would record and writes nothing, not even the history table.
        #expect(try await db.migrator().baselinePlan(upTo: MigrationReference("20250520090000")).map(\.id.name) == ["create-users", "create-posts"])
        #expect(try await !db.hasTable("strata_migrations"))
        // A version no migration has, or an id whose name is not the migration's: refused.
        for target in ["20250520090001", "20250520090000-create-post"] {
            let refused = await #expect(throws: StrataError.self) { try await db.migrator().baseline(upTo: MigrationReference(target)) }
            #expect(refused?.code == .refused, "\(target)")
            #expect(refused?.hint?.contains("Nothing was recorded") == true)
        }
        #expect(try await !db.hasTable("strata_migrations"))

        #expect(try await db.migrator().baseline(upTo: MigrationReference("20250520090000")).map(\.id.name) == ["create-users", "create-posts"])
        #expect(try await states(db) == ["create-users baseline", "create-posts baseline", "create-tags pending"])
        #expect(try await db.query("SELECT kind FROM strata_migrations ORDER BY version").map { $0["kind"].text } == ["baseline", "baseline"])
        let again = await #expect(throws: StrataError.self) { try await db.migrator().baseline(upTo: nil) }
        #expect(again?.code == .refused)
        #expect(again?.message.contains("baseline: 20250519123045-create-users") == true, "\(again?.message ?? "")")

        // Only the later migration runs; the adopted data is untouched.
        #expect(try await db.migrator().migrate().map(\.id.name) == ["create-tags"])
        try await dataIsIntact(db)

        // Undo reverts what ran here, and refuses a baselined migration unless told.
        #expect(try await db.migrator().undo().map(\.id.name) == ["create-tags"])
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().undo() }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains("20250520090000-create-posts") == true)
        #expect(refused?.hint?.contains("--allow-baseline") == true)
        await #expect(throws: StrataError.self) { try await db.migrator().redo() }
        try await dataIsIntact(db)
        #expect(try await db.migrator().undo(allowBaseline: true).map(\.id.name) == ["create-posts"])
        #expect(try await !db.hasTable("posts"))
    }

    @Test(arguments: TestDatabase.all)
    func sequelizeHistoryIsImportedAndLeftAsItIs(engine: TestDatabase) async throws {
        let db = try await adoptable(engine)
        defer { Task { await db.remove() } }
        // As sequelize-cli keeps it: SequelizeMeta(name), the file names with .js.
        let meta = db.engine.driver.dialect.quoteIdentifier("SequelizeMeta")
        _ = try await db.query("CREATE TABLE \(meta) (name VARCHAR(255) NOT NULL PRIMARY KEY)")
        _ = try await db.query("INSERT INTO \(meta) (name) VALUES ('20250519123045-create-users.js'), ('20250520090000-create_posts.js'), ('20250521000000-seed-admins.js')")
        func metaRows() async throws -> [String] {
            try await db.query("SELECT name FROM \(meta) ORDER BY name").compactMap { $0["name"].text }
        }
        let rows = try await metaRows()

        // A row that matches no migration: listed with the closest file; nothing recorded.
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().importHistory(from: .sequelize()) }
        #expect(refused?.code == .refused)
        #expect(refused?.message.contains("20250521000000-seed-admins.js: no migration has version 20250521000000") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("closest:") == true)
        #expect(try await !db.hasTable("strata_migrations"))
        #expect(try await metaRows() == rows)

        // The dry run says the same, changing nothing.
        let plan = try await db.migrator().importPlan(from: .sequelize())
        #expect(plan.matched.map(\.id.name) == ["create-users", "create-posts"])
        #expect(plan.unmatched.map(\.entry) == ["20250521000000-seed-admins.js"])
        #expect(try await !db.hasTable("strata_migrations"))

        // With --allow-unmatched the matches are recorded, as baseline; the meta table stays.
        let imported = try await db.migrator().importHistory(from: .sequelize(), allowUnmatched: true)
        #expect(imported.matched.map(\.id.name) == ["create-users", "create-posts"])
        #expect(try await states(db) == ["create-users baseline", "create-posts baseline", "create-tags pending"])
        #expect(try await metaRows() == rows)
        // Importing again records nothing new.
        let second = try await db.migrator().importHistory(from: .sequelize(), allowUnmatched: true)
        #expect(second.matched.isEmpty)
        #expect(second.alreadyRecorded.map(\.id.name) == ["create-users", "create-posts"])

        #expect(try await db.migrator().migrate().map(\.id.name) == ["create-tags"])
        try await dataIsIntact(db)

        // Another table name; a missing table is named, and nothing changes.
        let missing = await #expect(throws: StrataError.self) { try await db.migrator().importHistory(from: .sequelize(table: "MigrationsMeta")) }
        #expect(missing?.code == .configuration)
        #expect(missing?.message.contains("no table MigrationsMeta") == true, "\(missing?.message ?? "")")
    }

    @Test(arguments: TestDatabase.all)
    func schemaMigrationsOfDbmateAndGolangMigrateAreImported(engine: TestDatabase) async throws {
        let db = try await adoptable(engine)
        defer { Task { await db.remove() } }
        // dbmate and Rails: one row per applied version.
        _ = try await db.query("CREATE TABLE schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)")
        _ = try await db.query("INSERT INTO schema_migrations (version) VALUES ('20250519123045'), ('20250520090000')")
        #expect(try await db.migrator().importHistory(from: .schemaMigrations()).matched.map(\.id.name) == ["create-users", "create-posts"])
        #expect(try await states(db) == ["create-users baseline", "create-posts baseline", "create-tags pending"])

        // golang-migrate: one row, the current version, and a dirty flag.
        let other = try await adoptable(engine)
        defer { Task { await other.remove() } }
        _ = try await other.query("CREATE TABLE go_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)")
        _ = try await other.query("INSERT INTO go_migrations (version, dirty) VALUES (20250520090000, TRUE)")
        let dirty = await #expect(throws: StrataError.self) { try await other.migrator().importHistory(from: .schemaMigrations(table: "go_migrations")) }
        #expect(dirty?.code == .refused)
        #expect(dirty?.message.contains("golang-migrate marked version 20250520090000 dirty") == true, "\(dirty?.message ?? "")")
        #expect(try await !other.hasTable("strata_migrations"))
        _ = try await other.query("UPDATE go_migrations SET dirty = FALSE")
        #expect(try await other.migrator().importHistory(from: .schemaMigrations(table: "go_migrations")).matched.map(\.id.name) == ["create-users", "create-posts"])
        #expect(try await other.migrator().migrate().map(\.id.name) == ["create-tags"])
        try await dataIsIntact(other)
    }

    /// A history table made before the `kind` column existed gets it when a baseline is
    /// first recorded; its rows read as run here until then.
    @Test(arguments: TestDatabase.all)
    func anOlderHistoryTableGainsTheKindColumn(engine: TestDatabase) async throws {
        let db = try await adoptable(engine)
        defer { Task { await db.remove() } }
        // The history table in its older shape, recording the first migration as run.
        let first = try #require(try db.migrator().migrations.first)
        let timestamp = db.engine.driver.dialect.columnType(for: .timestamp)
        _ = try await db.query("""
            CREATE TABLE strata_migrations (version VARCHAR(14) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, \
            checksum VARCHAR(64) NOT NULL, applied_at \(timestamp) NOT NULL, execution_ms BIGINT NOT NULL)
            """)
        let connection = try await db.connect()
        try await connection.closeAfter {
            let places = (1...5).map(connection.dialect.bindPlaceholder(at:)).joined(separator: ", ")
            _ = try await connection.query(
                "INSERT INTO strata_migrations (version, name, checksum, applied_at, execution_ms) VALUES (\(places))",
                [.text(first.id.version.digits), .text(first.id.name), .text(first.checksum), .timestamp(Date()), .integer(3)]
            )
        }
        #expect(try await states(db) == ["create-users applied", "create-posts pending", "create-tags pending"])
        _ = try await db.query("CREATE TABLE schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)")
        _ = try await db.query("INSERT INTO schema_migrations (version) VALUES ('20250519123045'), ('20250520090000')")
        let imported = try await db.migrator().importHistory(from: .schemaMigrations())
        #expect(imported.matched.map(\.id.name) == ["create-posts"])
        #expect(imported.alreadyRecorded.map(\.id.name) == ["create-users"])
        #expect(try await states(db) == ["create-users applied", "create-posts baseline", "create-tags pending"])
    }
}
