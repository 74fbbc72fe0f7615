import Foundation
import Strata
import Testing

/// The same Swift migrations on every engine, compared through introspection.
@Suite struct SchemaConformanceTests {
    /// What every engine must report after all of ``schemaConformanceMigrations``.
    static let expectedSchema = """
        table posts
          column id integer not null primary key
          column user_id integer not null
          column title string(length: 300) not null default string("untitled")
          column content text
          column rating float
          column weight double
          column state enumeration(typeName: nil, values: ["draft", "published", "archived"]) not null default string("draft")
          column publishedAt timestampWithTimeZone
          column slug string(length: 120)
          index posts_slug_key (slug) unique
          index posts_user_id_publishedAt_idx (user_id, publishedAt)
        table tags
          column post_id integer not null primary key
          column name string(length: 50) not null primary key
        table users
          column id integer not null primary key
          column name string(length: 255) not null
          column email string(length: 200) not null
          column score decimal(precision: 10, scale: 2) default double(0.0)
          column isAdmin bool not null default bool(false)
          column born date
          column lastSeen datetime
          column profile json
          column avatar binary
          column externalId uuid
          column visits bigint not null default integer(0)
          column createdAt timestampWithTimeZone not null default currentTimestamp
          column updatedAt timestampWithTimeZone not null default currentTimestamp
          column status enumeration(typeName: nil, values: ["active", "inactive", "suspended"]) not null default string("active")
          index users_email_key (email) unique
        """

    @Test(arguments: TestDatabase.all)
    func sameSchemaOnEveryEngineAndNoLeftoversAfterUndo(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let migrator = try await db.migrator(swift: schemaConformanceMigrations)
        #expect(try await migrator.migrate().count == schemaConformanceMigrations.count)
        #expect(try await db.introspection().joined(separator: "\n") == Self.expectedSchema)
        #expect(try await db.query("SELECT name FROM users").compactMap { $0["name"].text } == ["Ada"])

        // ifNotExists: running the templates' up again changes nothing.
        var again = try await db.migrator(swift: [CreateUsers(), AddStatusToUsers()])
        again.historyTableName = "strata_again"
        #expect(try await again.migrate().count == 2)
        #expect(try await db.introspection().joined(separator: "\n") == Self.expectedSchema)

        let undone = try await migrator.undo(.all)
        #expect(undone.count == schemaConformanceMigrations.count)
        #expect(try await db.introspection().isEmpty)
        if engine.description == "postgres" {
            let types = try await db.query("SELECT typname::text AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() AND t.typtype = 'e'")
            #expect(types.isEmpty, "enum types left behind: \(types.map { $0["name"] })")
        }

        // And again, so down really undid up.
        try await migrator.migrate()
        #expect(try await db.introspection().joined(separator: "\n") == Self.expectedSchema)
    }
}
