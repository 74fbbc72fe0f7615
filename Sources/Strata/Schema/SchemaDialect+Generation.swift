extension SchemaDialect {
    /// What ``dropStatement(for:)`` names; a trigger as `DROP TRIGGER name`; nothing for
    /// what goes with its table.
    public func removalStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        if object.kind == .trigger, let dot = object.name.firstIndex(of: ".") {
            return ["DROP TRIGGER \(sqlDialect.quoteIdentifier(String(object.name[object.name.index(after: dot)...])))"]
        }
        return dropStatement(for: object).map { [$0] } ?? []
    }

    /// Removes `old`, then creates `new`.
    public func replacementStatements(
        of old: SchemaSnapshot.Object, with new: SchemaSnapshot.Object, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> [String] {
        try await removalStatements(for: old, in: source) + creationStatements(for: new, in: target)
    }

    /// No options.
    public func sectionOptions(for statements: [String]) -> [String] { [] }

    /// The part of a table object's name after its table: `users_email_key` of
    /// `users.users_email_key`.
    public func unqualifiedName(of object: SchemaSnapshot.Object) -> String {
        guard let dot = object.name.firstIndex(of: ".") else { return object.name }
        return String(object.name[object.name.index(after: dot)...])
    }

    /// The table of a table object's name: `users` of `users.users_email_key`.
    public func tableName(of object: SchemaSnapshot.Object) -> String {
        String(object.name.prefix { $0 != "." })
    }

    /// An error for an object `generate --from-schema` cannot write on this dialect.
    public func cannotWrite(_ object: SchemaSnapshot.Object, dialect: String, why: String) -> StrataError {
        StrataError.unsupported("Writing \(object.kind.rawValue) \(object.name) into a migration (\(why))", dialect: dialect,
                                workaround: "leave it out of the declared schema and write its migration by hand.")
    }
}
