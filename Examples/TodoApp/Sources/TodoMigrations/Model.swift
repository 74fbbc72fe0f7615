import Strata

/// The schema as it should be, declared in the Schema API: `migrate generate NAME
/// --from-schema` writes the migration from what the migrations build to this, and
/// `migrate schema check --against-model` fails in CI when they differ. Change it first,
/// then generate the migration.
let model = SchemaModel { schema in
    try await schema.createTable("users") {
        Column.id()
        Column("name", .string).notNull()
        Column.timestamps()
    }
    try await schema.createTable("todos") {
        Column.id()
        Column("title", .string(length: 200)).notNull()
        Column("userId", .integer).notNull().references("users", onDelete: .cascade)
        Column("dueOn", .date)
        Column.timestamps()
        Column("status", .enum(["open", "doing", "done"])).notNull().defaults(to: "open")
    }
    try await schema.addIndex(on: "todos", ["userId", "dueOn"])
    try await schema.execute("CREATE VIEW open_todos AS SELECT id, title, \"userId\" FROM todos WHERE status <> 'done'")
}
