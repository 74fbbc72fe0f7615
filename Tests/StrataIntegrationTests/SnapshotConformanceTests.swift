import Foundation
import Strata
import Testing

/// The schema snapshot every dialect reads through its introspection: the same objects
/// whatever the database's or schema's name, the same snapshot twice, and a change made by
/// hand found and named by the diff.
@Suite struct SnapshotConformanceTests {
    /// Tables with a foreign key, a unique index, a check and a view on every engine, and a
    /// trigger (with its function on PostgreSQL, and an enum type there).
    private func migrate(_ db: FreshDatabase) async throws {
        try db.write("20250101000001", "create-users", up: """
            CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL, age INTEGER DEFAULT 0, CONSTRAINT users_adult CHECK (age >= 0));
            CREATE UNIQUE INDEX users_email ON users (email);
            """, down: "DROP TABLE users;")
        try db.write("20250101000002", "create-posts", up: """
            CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR(100),
                CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE);
            CREATE VIEW post_titles AS SELECT id, title FROM posts;
            """, down: "DROP VIEW post_titles;\nDROP TABLE posts;")
        let trigger: String
        switch db.engine.description {
        case "postgres":
            trigger = """
                CREATE TYPE mood AS ENUM ('happy', 'sad');
                CREATE FUNCTION touch_post() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.title := coalesce(NEW.title, 'untitled'); RETURN NEW; END $$;
                CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION touch_post();
                """
        case "mysql":
            trigger = "CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW SET NEW.title = COALESCE(NEW.title, 'untitled');"
        default:
            trigger = "CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN UPDATE posts SET title = 'untitled' WHERE id = NEW.id AND title IS NULL; END;"
        }
        try db.write("20250101000003", "touch-posts", up: trigger, down: nil)
        try await db.migrator().migrate()
    }

    private func snapshot(_ db: FreshDatabase) async throws -> SchemaSnapshot {
        let connection = try await db.connect()
        return try await connection.closeAfter {
            try await #require(connection.dialect.schemaDialect).snapshot(in: connection)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSnapshotHoldsEveryKindOfObjectAndFindsAChangeByHand(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        #expect(try await snapshot(db).objects.isEmpty)
        try await migrate(db)
        let first = try await snapshot(db)
        let names = Set(first.objects.map { "\($0.kind.rawValue) \($0.name)" })
        for expected in ["table users", "table posts", "column users.email", "column posts.user_id", "index users.users_email",
                         "constraint users.users_adult", "view post_titles", "trigger posts.posts_touch"] {
            #expect(names.contains(expected), "\(expected) in \(first.objects)")
        }
        #expect(first.objects(.constraint).contains { $0.name.hasPrefix("posts.") && $0.definition.uppercased().contains("REFERENCES USERS") },
                "\(first.objects(.constraint))")
        #expect(!first.objects.contains { $0.name.hasPrefix("strata_") }, "Strata's own tables are not part of the schema")
        if engine.description == "postgres" {
            #expect(first.objects(.type).map(\.description) == ["type mood: enum ('happy', 'sad')"])
            #expect(first.objects(.function).map(\.name) == ["touch_post()"])
        }
        // Read twice, the same; read from a second database of the same migrations, the same.
        #expect(try await snapshot(db) == first)
        let twin = try await engine.fresh()
        defer { Task { await twin.remove() } }
        try await migrate(twin)
        let second = try await snapshot(twin)
        #expect(second.differences(from: first).isEmpty, "\(second.differences(from: first))")

        // A column and an index added by hand, a view dropped: each named, both ways round.
        _ = try await db.query("ALTER TABLE users ADD COLUMN nickname VARCHAR(20)")
        _ = try await db.query("CREATE INDEX posts_title ON posts (title)")
        _ = try await db.query("DROP VIEW post_titles")
        let drifted = try await snapshot(db)
        let lines = drifted.differences(from: second).map { $0.description(here: "the database", reference: "db/schema.sql") }
        #expect(lines == [
            "column users.nickname: in the database, not in db/schema.sql",
            "index posts.posts_title: in the database, not in db/schema.sql",
            "view post_titles: in db/schema.sql, not in the database",
        ], "\(lines)")
        // A column changed by hand (an index added, where SQLite cannot change one): named
        // with both definitions.
        let change = switch engine.description {
        case "postgres": "ALTER TABLE users ALTER COLUMN age TYPE BIGINT"
        case "mysql": "ALTER TABLE users MODIFY age BIGINT DEFAULT 0"
        default: "CREATE INDEX users_age ON users (age)"
        }
        _ = try await twin.query(change)
        let changed = try await snapshot(twin).differences(from: second)
        #expect(changed.count == 1, "\(changed)")
        if engine.description == "sqlite" {
            #expect(changed.first == .onlyHere(.init(.index, "users.users_age", "(age)")), "\(changed)")
        } else if case .changed(let mine, let theirs) = changed.first {
            #expect(mine.name == "users.age" && mine.definition.contains("bigint") && !theirs.definition.contains("bigint"), "\(mine) \(theirs)")
        } else {
            Issue.record("expected users.age to be changed: \(changed)")
        }
    }
}
