import Strata

/// Migration create-todos. Registered in Migrations.swift by `strata generate --swift`.
///
/// It runs in one transaction with its history row: if anything fails, nothing is applied.
struct CreateTodos: Migration {
    let id = "20261124232203-create-todos"

    func up(_ schema: Schema) async throws {
        try await schema.createTable("todos", ifNotExists: true) {
            Column.id()
            Column("title", .string(length: 200)).notNull()
            Column("userId", .integer).notNull().references("users", onDelete: .cascade)
            Column("dueOn", .date)
            Column.timestamps()
        }
        try await schema.addIndex(on: "todos", ["userId", "dueOn"])
    }

    func down(_ schema: Schema) async throws {
        try await schema.removeIndex(on: "todos", ["userId", "dueOn"], ifExists: true)
        try await schema.dropTable("todos", ifExists: true)
    }
}
