import Foundation
import Logging
import Strata

extension PostgresDriver {
    /// A template is a database of its own, `strata_tpl_DATABASE_FINGERPRINT` (the database's
    /// name, a longer one than 30 bytes cut to 22 and told apart by 8 digits of its digest; the
    /// fingerprint's first 16 digits), taking no connections, made with
    /// `CREATE DATABASE … TEMPLATE` from the database and cloned the same way. An environment
    /// with `schema:` shares its database with others and has none.
    public func databaseTemplates(_ settings: ConnectionSettings, logger: Logger) -> DatabaseTemplates? {
        guard settings.schema == nil, let database = settings.database, !database.isEmpty else { return nil }
        // Within PostgreSQL's 63 bytes; a longer name is cut, and told apart by its digest.
        let family = "strata_tpl_"
            + (database.utf8.count <= 30 ? database : String(decoding: database.utf8.prefix(22), as: UTF8.self) + Checksum.sha256(Array(database.utf8)).prefix(8))
            + "_"
        let name = { @Sendable (fingerprint: String) in family + String(fingerprint.prefix(16)) }
        let quote = PostgresDialect().quoteIdentifier
        let driver = self
        // Another database's templates may start alike (`app` and `app_x`): only the family
        // and 16 hex digits are this database's.
        let templates = { @Sendable (connection: any DatabaseConnection) async throws -> [String] in
            try await connection.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [.text(family)])
                .compactMap { $0["datname"].text }
                .filter { candidate in
                    candidate.utf8.count == family.utf8.count + 16
                        && candidate.utf8.suffix(16).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
                }
        }
        return DatabaseTemplates(
            location: name,
            exists: { fingerprint in
                try await driver.onTemplateServer(settings, logger: logger, verb: "look for template \(name(fingerprint))") { connection in
                    try await !connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name(fingerprint))]).isEmpty
                }
            },
            save: { fingerprint in
                let template = name(fingerprint)
                try await driver.onTemplateServer(settings, logger: logger, verb: "save template \(template)") { connection in
                    for other in try await templates(connection) where other != template {
                        try await connection.execute("DROP DATABASE IF EXISTS \(quote(other))")
                    }
                    try await connection.execute("DROP DATABASE IF EXISTS \(quote(template))")
                    // The copy needs the database to itself: the sessions of the run that just
                    // built it end on the server a moment after they close (seconds, on a
                    // loaded machine). A session of someone else's, still there after fifteen
                    // seconds, makes the copy fail, and the reset says the template was not kept.
                    let deadline = ContinuousClock.now + .seconds(15)
                    let others = "SELECT pid, coalesce(application_name, '') AS application, coalesce(state, '') AS state, left(query, 60) AS query "
                        + "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
                    // Strata's own sessions, idle after five seconds, are ended: on a loaded
                    // machine a closed connection's session was seen to stay 15 s and more
                    // (the full test suite). The database was built a moment ago by this run.
                    let ownIdle = ContinuousClock.now + .seconds(5)
                    var sessions = try await connection.query(others, [.text(database)])
                    while !sessions.isEmpty, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(50))
                        if ContinuousClock.now > ownIdle {
                            _ = try await connection.query(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() "
                                    + "AND starts_with(application_name, 'strata') AND state = 'idle'", [.text(database)])
                        }
                        sessions = try await connection.query(others, [.text(database)])
                    }
                    if !sessions.isEmpty {
                        let named = sessions.map { "pid \($0["pid"].integer ?? 0) (\($0["application"].text ?? ""), \($0["state"].text ?? ""): \($0["query"].text ?? ""))" }
                        throw DatabaseError(message: "\(sessions.count) other sessions are still connected to \(database) after 15 s: \(named.joined(separator: "; ")) (close them, or reset with --no-template)", code: "55006")
                    }
                    try await connection.execute("CREATE DATABASE \(quote(template)) TEMPLATE \(quote(database))")
                    // Nobody connects to it by mistake, which would stop it being cloned.
                    try await connection.execute("ALTER DATABASE \(quote(template)) WITH ALLOW_CONNECTIONS false")
                }
            },
            clone: { fingerprint in
                try await driver.onTemplateServer(settings, logger: logger, verb: "create database \(database) from template \(name(fingerprint))") { connection in
                    try await connection.execute("CREATE DATABASE \(quote(database)) TEMPLATE \(quote(name(fingerprint)))")
                }
            },
            removeAll: {
                try await driver.onTemplateServer(settings, logger: logger, verb: "remove the templates of \(database)") { connection in
                    let found = try await templates(connection)
                    for template in found { try await connection.execute("DROP DATABASE IF EXISTS \(quote(template))") }
                    return found
                }
            }
        )
    }

    /// Runs `body` on the server's `postgres` maintenance database, naming what failed.
    private func onTemplateServer<T: Sendable>(
        _ settings: ConnectionSettings, logger: Logger, verb: String, _ body: (any DatabaseConnection) async throws -> T
    ) async throws -> T {
        var maintenance = settings
        maintenance.database = "postgres"
        let connection = try await connect(maintenance, for: .change, logger: logger)
        do {
            return try await connection.closeAfter { try await body(connection) }
        } catch let error as DatabaseError {
            throw StrataError(.failure, "Cannot \(verb) on \(ServerEndpoint(settings, defaultPort: 5432)): \(error).",
                              hint: "The user needs the CREATEDB privilege; or run `strata db reset --no-template`.")
        }
    }
}
