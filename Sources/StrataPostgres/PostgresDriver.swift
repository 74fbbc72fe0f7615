import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Strata

/// The PostgreSQL driver: URLs `postgres://` and `postgresql://`, or `dialect: postgres` with
/// `host`, `port`, `database`, `username`, `password`; plus `schema:` and `tls:`.
///
/// TLS defaults to `verify-full` for any host but loopback, where it defaults to `disable`.
/// `require` encrypts without verifying the certificate and logs a warning.
public struct PostgresDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    /// `postgres`.
    public var dialects: Set<String> { ["postgres"] }

    /// ``PostgresDialect``.
    public var dialect: any SQLDialect { PostgresDialect() }

    /// Connects with PostgresNIO: TLS as configured, `application_name=strata`, the search
    /// path set to `schema:`.
    ///
    /// A URL that lists several servers (`postgres://app@db1:5432,db2:5432/app`) is tried in
    /// order, keeping the first that suits `target_session_attrs` (libpq's values; `primary`
    /// by default when several servers are listed, else `any`). `pooler=transaction` says
    /// the connection goes through a transaction-pooling proxy such as PgBouncer; by default
    /// Strata assumes one when the server's own port (`inet_server_port()`) is not the port
    /// dialled (`pooler=none` says there is none).
    public func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection {
        var options = settings.options
        let target = try Self.targetSessionAttributes(options.removeValue(forKey: "target_session_attrs"), settings: settings)
        let pooler = try Self.pooler(options.removeValue(forKey: "pooler"), settings: settings)
        if let unknown = options.keys.sorted().first {
            throw StrataError(.configuration, "Unknown PostgreSQL URL option `\(unknown)` in \(settings.redactedDescription).",
                              hint: "Strata reads sslmode=disable|require|verify-full, schema=NAME, target_session_attrs=\(TargetSessionAttributes.accepted) and pooler=transaction|none; remove the others.")
        }
        let first = ServerEndpoint(settings, defaultPort: 5432)
        let endpoints = [first] + settings.additionalHosts.map { ServerEndpoint(host: $0.host, port: $0.port ?? 5432) }
        if endpoints.count == 1 {
            return try await open(settings, at: first, pooler: pooler, logger: logger) { _ in true }
        }
        var passed: [String] = []
        for pass in target == .preferStandby ? [TargetSessionAttributes.preferStandby, .any] : [target] {
            for endpoint in endpoints {
                do {
                    return try await open(settings, at: endpoint, pooler: pooler, logger: logger) { pass.accepts($0) }
                } catch let rejection as ServerRejected {
                    passed.append("\(endpoint) (\(rejection.reason))")
                } catch let error as StrataError {
                    passed.append("\(endpoint) (\(error.message))")
                }
            }
        }
        throw StrataError(
            .failure, "None of the servers of \(settings.redactedDescription) is one target_session_attrs=\(target.rawValue) accepts: \(passed.joined(separator: "; ")).",
            hint: target == .primary || target == .readWrite
                ? "Is a primary up? After a failover, list the new primary's address in the URL."
                : "Check the servers' roles, or change target_session_attrs."
        )
    }

    /// A server that was reached and left, because it is not the kind asked for.
    private struct ServerRejected: Error {
        let reason: String
    }

    /// Connects to `endpoint`, reads the server's facts and keeps the connection if
    /// `suits` them; otherwise closes it and throws ``ServerRejected``.
    private func open(
        _ settings: ConnectionSettings, at endpoint: ServerEndpoint, pooler: Bool?, logger: Logger,
        suits: (PostgresServerFacts) -> Bool
    ) async throws -> PostgresDatabaseConnection {
        let username = try endpoint.username(settings, product: "PostgreSQL", scheme: "postgres")
        let tlsMode = endpoint.tlsMode(settings, product: "PostgreSQL", logger: logger)
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: username, password: settings.password,
            database: settings.database ?? username, tls: try tls(for: tlsMode)
        )
        configuration.options.additionalStartupParameters = [("application_name", "strata")]
        configuration.options.connectTimeout = .seconds(10)
        let connect: @Sendable () async throws -> PostgresConnection = { [configuration] in
            try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: Logger(label: "strata.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        }
        let connection: PostgresConnection
        do {
            connection = try await connect()
        } catch {
            throw PostgresErrors.connectionFailure(error, endpoint: endpoint, settings: settings, tls: tlsMode)
        }
        let opened = PostgresDatabaseConnection(connection: connection, endpoint: endpoint, schema: settings.schema, openLockSession: connect)
        do {
            let facts = try await PostgresServerFacts.read(opened)
            guard suits(facts) else {
                await opened.close()
                throw ServerRejected(reason: facts.isStandby ? "a standby" : facts.acceptsWrites ? "a primary" : "read-only")
            }
            try await opened.settle(facts: facts, pooled: pooler ?? (facts.serverPort != endpoint.port))
        } catch let error as ServerRejected {
            throw error
        } catch {
            await opened.close()
            throw StrataError(.failure, "Cannot set up the PostgreSQL session at \(endpoint): \(error).")
        }
        return opened
    }

    /// `target_session_attrs`, checked; by default `primary` when the URL lists several servers.
    private static func targetSessionAttributes(_ text: String?, settings: ConnectionSettings) throws -> TargetSessionAttributes {
        guard let text else { return settings.additionalHosts.isEmpty ? .any : .primary }
        guard let target = TargetSessionAttributes(rawValue: text) else {
            throw StrataError(.configuration, "target_session_attrs=\(text) in \(settings.redactedDescription) is not one of \(TargetSessionAttributes.accepted).",
                              hint: "Use primary to reach the server that takes writes.")
        }
        return target
    }

    /// `pooler=transaction` (true) or `pooler=none`/`session` (false); `nil` to find out.
    private static func pooler(_ text: String?, settings: ConnectionSettings) throws -> Bool? {
        switch text {
        case nil: return nil
        case "transaction": return true
        case "none", "session": return false
        case let other?:
            throw StrataError(.configuration, "pooler=\(other) in \(settings.redactedDescription) is not one of transaction, session, none.",
                              hint: "pooler=transaction tells Strata that a transaction-pooling proxy such as PgBouncer is in between.")
        }
    }

    private func tls(for mode: TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

extension PostgresDriver {
    /// `CREATE DATABASE`, from the server's `postgres` maintenance database.
    /// With `schema:`, then creates that schema in it.
    public func createDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        let createdDatabase = try await onMaintenanceDatabase(settings, logger: logger, verb: "create") { connection, name in
            guard try await connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name)]).isEmpty else { return false }
            try await connection.execute("CREATE DATABASE \(PostgresDialect().quoteIdentifier(name))")
            return true
        }
        guard let schema = settings.schema else { return createdDatabase }
        return try await inDatabase(settings, logger: logger) { connection in
            guard try await connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).isEmpty else { return createdDatabase }
            try await connection.execute("CREATE SCHEMA \(PostgresDialect().quoteIdentifier(schema))")
            return true
        }
    }

    /// Whether `pg_database` lists the database and, with `schema:`, the database has the schema.
    public func databaseExists(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        let found = try await onMaintenanceDatabase(settings, logger: logger, verb: "look for") { connection, name in
            try await !connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name)]).isEmpty
        }
        guard found, let schema = settings.schema else { return found }
        return try await inDatabase(settings, logger: logger) { connection in
            try await !connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).isEmpty
        }
    }

    /// `DROP DATABASE` (`WITH (FORCE)` from PostgreSQL 13 on, which ends the sessions still
    /// connected to it), from the server's `postgres` maintenance database — or, with
    /// `schema:`, `DROP SCHEMA … CASCADE` of that schema only: an environment that lives in
    /// one schema never drops the database the other schemas share.
    public func dropDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        if let schema = settings.schema {
            return try await inDatabase(settings, logger: logger) { connection in
                guard try await !connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).isEmpty else { return false }
                try await connection.execute("DROP SCHEMA \(PostgresDialect().quoteIdentifier(schema)) CASCADE")
                return true
            }
        }
        return try await onMaintenanceDatabase(settings, logger: logger, verb: "drop") { connection, name in
            let rows = try await connection.query(
                "SELECT current_setting('server_version_num')::integer AS version FROM pg_database WHERE datname = $1", [.text(name)]
            )
            guard let row = rows.first else { return false }
            // Sessions still connected (a test run that crashed, a console left open) are
            // ended rather than making the drop fail: PostgreSQL 13 and later.
            let force = (row["version"].integer ?? 0) >= 130_000 ? " WITH (FORCE)" : ""
            let drop = "DROP DATABASE \(PostgresDialect().quoteIdentifier(name))\(force)"
            // FORCE may not end an autovacuum worker visiting the database (it has no role
            // the user could signal: 42501); such a worker soon ends, or is asked to by a
            // plain drop, so the drop is tried again for a few seconds.
            let deadline = ContinuousClock.now + .seconds(5)
            while true {
                do {
                    try await connection.execute(drop)
                    return true
                } catch let error as DatabaseError where error.code == "42501" && !force.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Runs `body` on the database `settings` names, outside any schema.
    private func inDatabase(_ settings: ConnectionSettings, logger: Logger, _ body: (any DatabaseConnection) async throws -> Bool) async throws -> Bool {
        var database = settings
        database.schema = nil
        let connection = try await connect(database, for: .change, logger: logger)
        return try await connection.closeAfter { try await body(connection) }
    }

    private func onMaintenanceDatabase(
        _ settings: ConnectionSettings, logger: Logger, verb: String,
        _ body: (any DatabaseConnection, String) async throws -> Bool
    ) async throws -> Bool {
        guard let name = settings.database ?? settings.username, !name.isEmpty else {
            throw StrataError(.configuration, "No database name to \(verb) in \(settings.redactedDescription).",
                              hint: "Name the database in the URL path or in `database:`.")
        }
        var maintenance = settings
        maintenance.database = "postgres"
        maintenance.schema = nil
        let connection = try await connect(maintenance, for: .change, logger: logger)
        do {
            return try await connection.closeAfter { try await body(connection, name) }
        } catch let error as DatabaseError {
            throw StrataError(.failure, "Cannot \(verb) database \"\(name)\" on \(ServerEndpoint(settings, defaultPort: 5432)): \(error).",
                              hint: "The user needs the CREATEDB privilege (or to own the database, to drop it).")
        }
    }
}

extension PostgresDriver {
    /// `pg_dump --format=custom` (compressed already), the password in `PGPASSWORD`; with
    /// `schema:`, only that schema, which must exist.
    public func backupMethod(_ settings: ConnectionSettings, logger: Logger) throws -> BackupMethod {
        var arguments = ["--format=custom", "--no-owner"]
        if let schema = settings.schema { arguments += ["--schema", schema] }
        var method = BackupMethod(source: .tool(client("pg_dump", arguments: arguments, settings, logger: logger)), fileExtension: "dump", compress: false)
        if let schema = settings.schema {
            let restore = PostgresRestore(driver: self, settings: settings, logger: logger)
            let database = settings.database ?? settings.username ?? ""
            method.precondition = {
                guard try await restore.databaseExists() else {
                    throw StrataError(.failure, "Schema \(schema) does not exist in database \(database); there is nothing to back up.",
                                      hint: "Check `schema:` in strata.yml, or run `strata migrate` first, which creates it.")
                }
            }
        }
        return method
    }

    /// Checks the file is a whole `pg_dump` custom-format archive, then replaces what the
    /// environment holds with it in one transaction (see `PostgresRestore`).
    public func restoreMethod(_ settings: ConnectionSettings, logger: Logger) throws -> RestoreMethod {
        PostgresRestore(driver: self, settings: settings, logger: logger).method
    }

    /// A program of PostgreSQL's client tools run against the database `settings` names,
    /// the password in `PGPASSWORD`.
    func client(_ program: String, arguments: [String], _ settings: ConnectionSettings, logger: Logger) -> ToolInvocation {
        ToolInvocation([program], arguments: arguments + clientArguments(settings), environment: clientEnvironment(settings, logger: logger))
    }

    private func clientArguments(_ settings: ConnectionSettings) -> [String] {
        let endpoint = ServerEndpoint(settings, defaultPort: 5432)
        let user = settings.username ?? ""
        return ["--host", endpoint.host, "--port", String(endpoint.port), "--username", user, "--dbname", settings.database ?? user, "--no-password"]
    }

    private func clientEnvironment(_ settings: ConnectionSettings, logger: Logger) -> [String: String] {
        let endpoint = ServerEndpoint(settings, defaultPort: 5432)
        var environment = ["PGAPPNAME": "strata", "PGCONNECT_TIMEOUT": "10"]
        environment["PGSSLMODE"] = endpoint.tlsMode(settings, product: "PostgreSQL", logger: logger).rawValue
        if let password = settings.password { environment["PGPASSWORD"] = password }
        return environment
    }
}
