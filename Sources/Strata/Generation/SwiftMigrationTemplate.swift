/// The content of a generated Swift migration: the seed's templates in the ``Schema`` API,
/// with no existence checks, transaction code or `DROP TYPE`.
public enum SwiftMigrationTemplate {
    /// The file's text for migration `id` from `template`, declaring type `typeName`.
    /// - Throws: ``StrataError`` (configuration) when the name does not fit the template.
    public static func render(id: MigrationID, typeName: String, template: MigrationTemplate) throws -> String {
        let body: (up: String, down: String)
        switch template {
        case .blank:
            body = (
                "        // try await schema.createTable(\"things\", ifNotExists: true) { Column.id() }",
                "        // try await schema.dropTable(\"things\", ifExists: true)"
            )
        case .createTable:
            let table = try MigrationTemplate.createdTable(in: id.name)
            body = (
                """
                        try await schema.createTable("\(table)", ifNotExists: true) {
                            Column.id()
                            Column("name", .string).notNull()
                            Column.timestamps()
                        }
                """,
                "        try await schema.dropTable(\"\(table)\", ifExists: true)"
            )
        case .modifyTable:
            let (column, table) = try MigrationTemplate.addedColumn(in: id.name)
            body = (
                """
                        try await schema.addColumn(
                            Column("\(column)", .enum(["active", "inactive", "suspended"])).notNull().defaults(to: "active"),
                            to: "\(table)", ifNotExists: true
                        )
                """,
                "        try await schema.removeColumn(\"\(column)\", from: \"\(table)\", ifExists: true)"
            )
        }
        return """
            import Strata

            /// Migration \(id.name). Registered in Migrations.swift by `strata generate --swift`.
            ///
            /// It runs in one transaction with its history row: if anything fails, nothing is applied.
            struct \(typeName): Migration {
                let id = "\(id)"

                func up(_ schema: Schema) async throws {
            \(body.up)
                }

                func down(_ schema: Schema) async throws {
            \(body.down)
                }
            }

            """
    }

    /// The registry file's text, listing `typeNames`.
    public static func registry(listing typeNames: [String]) -> String {
        let entries = typeNames.map { "    \($0)(),\n" }.joined()
        return """
            import Strata

            /// The Swift migrations of this directory, oldest first; hand it to
            /// `StrataCLI.main(migrations:)`. `strata generate --swift` adds to the list, and every
            /// command refuses to run while a migration file here is missing from it.
            let migrations = MigrationRegistry([
            \(entries)])

            """
    }
}
