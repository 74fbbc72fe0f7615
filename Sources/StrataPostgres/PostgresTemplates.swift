import Foundation
import Logging
import Strata

extension PostgresDriver {
    /// A template is a database of its own, `strata_tpl_DATABASE_FINGERPRINT` (the database's
    /// name cut to 30 characters, the fingerprint to 16), taking no connections, made with
    /// `CREATE DATABASE … TEMPLATE` from the database and cloned the same way. An environment
    /// with `schema:` shares its database with others and has none.
    public func databaseTemplates(_ settings: ConnectionSettings, logger: Logger) -> DatabaseTemplates? {
        guard settings.schema == nil, let database = settings.database, !database.isEmpty else { return nil }
        let family = "strata_tpl_" + String(database.prefix(30)) + "_"
        let name = { @Sendable (fingerprint: String) in family + String(fingerprint.prefix(16)) }
        let quote = PostgresDialect().quoteIdentifier
        var onServer = settings
        onServer.database = "postgres"
        let maintenance = onServer
        let driver = self
        let onMaintenance = { @Sendable (verb: String, body: @Sendable (any DatabaseConnection) async throws -> Bool) async throws -> Bool in
            let connection = try await driver.connect(maintenance, for: .change, logger: logger)
            do {
                return try await connection.closeAfter { try await body(connection) }
            } catch let error as DatabaseError {
                throw StrataError(.failure, "Cannot \(verb) on \(ServerEndpoint(settings, defaultPort: 5432)): \(error).",
                                  hint: "The user needs the CREATEDB privilege; or run `strata db reset --no-template`.")
            }
        }
        return DatabaseTemplates(
            location: name,
            exists: { fingerprint in
                try await onMaintenance("look for template \(name(fingerprint))") { connection in
                    try await !connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name(fingerprint))]).isEmpty
                }
            },
            save: { fingerprint in
                let template = name(fingerprint)
                _ = try await onMaintenance("save template \(template)") { connection in
                    let others = try await connection.query(
                        "SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2", [.text(family), .text(template)]
                    ).compactMap { $0["datname"].text }
                    for other in others { try await connection.execute("DROP DATABASE IF EXISTS \(quote(other))") }
                    try await connection.execute("DROP DATABASE IF EXISTS \(quote(template))")
                    try await connection.execute("CREATE DATABASE \(quote(template)) TEMPLATE \(quote(database))")
                    // Nobody connects to it by mistake, which would stop it being cloned.
                    try await connection.execute("ALTER DATABASE \(quote(template)) WITH ALLOW_CONNECTIONS false")
                    return true
                }
            },
            clone: { fingerprint in
                _ = try await onMaintenance("create database \(database) from template \(name(fingerprint))") { connection in
                    try await connection.execute("CREATE DATABASE \(quote(database)) TEMPLATE \(quote(name(fingerprint)))")
                    return true
                }
            }
        )
    }
}
