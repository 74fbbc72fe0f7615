import Strata

// Swift migrations the schema conformance tests run on every engine: the seed's two
// templates, then every other operation of the Schema API.

/// The seed's create-table template, in the Schema API: no existence check, no transaction code.
struct CreateUsers: Migration {
    let id = "20250519123045-create-users"

    func up(_ schema: Schema) async throws {
        try await schema.createTable("users", ifNotExists: true) {
            Column.id()
            Column("name", .string).notNull()
            Column("email", .string(length: 200)).notNull().unique()
            Column("score", .decimal(precision: 10, scale: 2)).defaults(to: 0)
            Column("isAdmin", .bool).notNull().defaults(to: false)
            Column("born", .date)
            Column("lastSeen", .datetime)
            Column("profile", .json)
            Column("avatar", .binary)
            Column("externalId", .uuid)
            Column("visits", .bigint).notNull().defaults(to: 0)
            Column.timestamps()
        }
    }

    func down(_ schema: Schema) async throws {
        try await schema.dropTable("users", ifExists: true)
    }
}

/// The seed's modify-table template: an enum column, added once, removed with its type.
struct AddStatusToUsers: Migration {
    let id = "20250519124500-add-status-to-users"

    func up(_ schema: Schema) async throws {
        try await schema.addColumn(
            Column("status", .enum(["active", "inactive", "suspended"])).notNull().defaults(to: "active"),
            to: "users", ifNotExists: true
        )
    }

    func down(_ schema: Schema) async throws {
        try await schema.removeColumn("status", from: "users", ifExists: true)
    }
}

/// A second table with a foreign key, a check, a composite index and an enum of its own.
struct CreatePosts: Migration {
    let id = "20250520090000-create-posts"

    func up(_ schema: Schema) async throws {
        try await schema.createTable("posts") {
            Column.id()
            Column("user_id", .integer).notNull().references("users", onDelete: .cascade)
            Column("title", .string(length: 100)).notNull()
            Column("body", .text)
            Column("rating", .float)
            Column("weight", .double)
            Column("state", .enum(["draft", "published"])).notNull().defaults(to: "draft")
            Column("publishedAt", .timestampWithTimeZone)
            Check("posts_title_not_blank", "title <> ''")
        }
        try await schema.addIndex(on: "posts", ["user_id", "publishedAt"])
    }

    func down(_ schema: Schema) async throws {
        try await schema.removeIndex(on: "posts", ["user_id", "publishedAt"])
        try await schema.dropTable("posts")
    }
}

/// Changes that need more than `ALTER TABLE` on some databases.
struct ReshapePosts: Migration {
    let id = "20250521080000-reshape-posts"

    func up(_ schema: Schema) async throws {
        try await schema.changeColumn(Column("title", .string(length: 300)).notNull().defaults(to: "untitled"), in: "posts")
        try await schema.addEnumValue("archived", to: "state", in: "posts")
        try await schema.renameColumn("body", to: "content", in: "posts")
        try await schema.addColumn(Column("slug", .string(length: 120)).unique(), to: "posts")
        try await schema.removeCheck("posts_title_not_blank", from: "posts")
        try await schema.addCheck(Check("posts_rating_range", "rating >= 0"), to: "posts")
    }

    func down(_ schema: Schema) async throws {
        try await schema.removeCheck("posts_rating_range", from: "posts")
        try await schema.addCheck(Check("posts_title_not_blank", "title <> ''"), to: "posts")
        try await schema.removeColumn("slug", from: "posts")
        try await schema.renameColumn("content", to: "body", in: "posts")
        try await schema.changeColumn(Column("state", .enum(["draft", "published"])).notNull().defaults(to: "draft"), in: "posts")
        try await schema.changeColumn(Column("title", .string(length: 100)).notNull(), in: "posts")
    }
}

/// Tags: a foreign key added and removed on its own, a table renamed, raw SQL with binds.
struct CreateTags: Migration {
    let id = "20250522080000-create-tags"

    func up(_ schema: Schema) async throws {
        try await schema.createTable("labels") {
            Column("post_id", .integer).notNull()
            Column("name", .string(length: 50)).notNull()
            PrimaryKey("post_id", "name")
        }
        try await schema.renameTable("labels", to: "tags")
        try await schema.addForeignKey(ForeignKey(["post_id"], references: "posts", onDelete: .cascade), to: "tags")
        try await schema.execute("INSERT INTO \(identifier: "users") (\(identifier: "name"), \(identifier: "email")) VALUES (\(bind: "Ada"), \(bind: "ada@example.com"))")
    }

    func down(_ schema: Schema) async throws {
        try await schema.execute("DELETE FROM \(identifier: "users") WHERE \(identifier: "email") = \(bind: "ada@example.com")")
        try await schema.removeForeignKey("tags_post_id_fkey", from: "tags")
        try await schema.dropTable("tags")
    }
}

let schemaConformanceMigrations: [any Migration] = [CreateUsers(), AddStatusToUsers(), CreatePosts(), ReshapePosts(), CreateTags()]
