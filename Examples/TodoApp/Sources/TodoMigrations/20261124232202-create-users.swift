import Strata

/// Migration create-users. Registered in Migrations.swift by `strata generate --swift`.
///
/// It runs in one transaction with its history row: if anything fails, nothing is applied.
struct CreateUsers: Migration {
    let id = "20261124232202-create-users"

    func up(_ schema: Schema) async throws {
        try await schema.createTable("users", ifNotExists: true) {
            Column.id()
            Column("name", .string).notNull()
            Column.timestamps()
        }
    }

    func down(_ schema: Schema) async throws {
        try await schema.dropTable("users", ifExists: true)
    }
}
