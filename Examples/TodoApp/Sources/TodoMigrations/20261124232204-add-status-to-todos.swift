import Strata

/// Migration add-status-to-todos. Registered in Migrations.swift by `strata generate --swift`.
///
/// It runs in one transaction with its history row: if anything fails, nothing is applied.
struct AddStatusToTodos: Migration {
    let id = "20261124232204-add-status-to-todos"

    func up(_ schema: Schema) async throws {
        try await schema.addColumn(
            Column("status", .enum(["open", "doing", "done"])).notNull().defaults(to: "open"),
            to: "todos", ifNotExists: true
        )
    }

    func down(_ schema: Schema) async throws {
        try await schema.removeColumn("status", from: "todos", ifExists: true)
    }
}
