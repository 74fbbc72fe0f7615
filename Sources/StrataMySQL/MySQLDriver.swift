import Foundation
import Logging
import Strata

/// The MySQL/MariaDB driver: URLs `mysql://` and `mariadb://`, or `dialect: mysql` with
/// `host`, `port`, `database`, `username`, `password`; plus `tls:`.
///
/// It talks through the MariaDB Connector/C and exists only in builds with the `MySQL`
/// package trait (`swift build --traits MySQL`); elsewhere ``connect(_:logger:)`` says how to
/// get it. TLS defaults to `verify-full` for any host but loopback, where it defaults to
/// `disable`.
public struct MySQLDriver: DatabaseDriver {
    /// How long ``dropDatabase(_:logger:)`` waits for the locks other sessions hold on the
    /// database's tables, in seconds, before it fails: the server's own default is a year,
    /// so one forgotten transaction would stop a scratch database's removal for good.
    public var dropLockWait: Int

    /// Creates the driver.
    public init(dropLockWait: Int = 60) {
        self.dropLockWait = dropLockWait
    }

    /// Whether this build contains the MySQL client (the `MySQL` trait).
    public static var isAvailable: Bool {
        #if MySQL
        true
        #else
        false
        #endif
    }

    /// `mysql`.
    public var dialects: Set<String> { ["mysql"] }

    /// ``MySQLDialect``.
    public var dialect: any SQLDialect { MySQLDialect() }

    /// The dialect for the server the settings' `flavor` (`mysql` or `mariadb`) names, or
    /// ``MySQLFlavor/portable`` without one. A connection learns the server's own.
    public func dialect(for settings: ConnectionSettings) throws -> any SQLDialect {
        MySQLDialect(flavor: try MySQLFlavor(configured: settings.options["flavor"], in: settings))
    }

    /// Connects through the MariaDB Connector/C, or — without the `MySQL` trait — says how to get it.
    public func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection {
        #if MySQL
        return try await MySQLDatabaseConnection.open(settings, logger: logger)
        #else
        throw StrataError(
            .configuration,
            "This strata was built without MySQL support, so it cannot connect to \(settings.redactedDescription).",
            hint: """
                Install the MariaDB Connector/C (apt-get install libmariadb-dev) and build with the MySQL trait: \
                `swift build --traits MySQL`; a package depending on Strata enables it with \
                .package(url: ..., traits: ["MySQL"]).
                """
        )
        #endif
    }
}

extension MySQLDriver {
    /// `CREATE DATABASE … CHARACTER SET utf8mb4`.
    public func createDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        try await onServer(settings, logger: logger, verb: "create") { connection, name in
            guard try await connection.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [.text(name)]).isEmpty
            else { return false }
            try await connection.execute("CREATE DATABASE \(MySQLDialect().quoteIdentifier(name)) CHARACTER SET utf8mb4")
            return true
        }
    }

    /// None: MySQL has no copy of a database in one step.
    public func databaseTemplates(_ settings: ConnectionSettings, logger: Logger) -> DatabaseTemplates? { nil }

    /// Whether `information_schema.schemata` lists the database.
    public func databaseExists(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        try await onServer(settings, logger: logger, verb: "look for") { connection, name in
            try await !connection.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [.text(name)]).isEmpty
        }
    }

    /// `DROP DATABASE`, waiting at most ``dropLockWait`` seconds for a session that holds a
    /// lock on one of its tables, then failing.
    public func dropDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        try await onServer(settings, logger: logger, verb: "drop") { connection, name in
            guard try await !connection.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [.text(name)]).isEmpty
            else { return false }
            try await connection.execute("SET SESSION lock_wait_timeout = \(dropLockWait)")
            try await connection.execute("DROP DATABASE \(MySQLDialect().quoteIdentifier(name))")
            return true
        }
    }

    private func onServer(
        _ settings: ConnectionSettings, logger: Logger, verb: String,
        _ body: (any DatabaseConnection, String) async throws -> Bool
    ) async throws -> Bool {
        guard let name = settings.database, !name.isEmpty else {
            throw StrataError(.configuration, "No database name to \(verb) in \(settings.redactedDescription).",
                              hint: "Name the database in the URL path or in `database:`.")
        }
        #if MySQL
        let connection = try await MySQLDatabaseConnection.open(settings, logger: logger, serverOnly: true)
        do {
            return try await connection.closeAfter { try await body(connection, name) }
        } catch let error as DatabaseError {
            throw StrataError(.failure, "Cannot \(verb) database \"\(name)\" on \(ServerEndpoint(settings, defaultPort: 3306)): \(error).",
                              hint: "The user needs the CREATE (or DROP) privilege on that database.")
        }
        #else
        _ = try await connect(settings, for: .change, logger: logger)
        return false
        #endif
    }
}

extension MySQLDriver {
    /// `mariadb-dump` (or `mysqldump`) `--single-transaction --routines --triggers`, gzipped,
    /// the password in `MYSQL_PWD`.
    public func backupMethod(_ settings: ConnectionSettings, logger: Logger) throws -> BackupMethod {
        BackupMethod(source: .tool(dumpTool(["--single-transaction", "--routines", "--triggers"], settings, logger: logger)),
                     fileExtension: "sql", compress: true)
    }

    /// `mariadb-dump` (or `mysqldump`) with `options`, of the database `settings` names;
    /// for `flavor: mysql`, MySQL's `mysqldump` first, without the GTIDs a restore elsewhere
    /// would refuse.
    func dumpTool(_ options: [String], _ settings: ConnectionSettings, logger: Logger) -> ToolInvocation {
        let flavor = Self.configuredFlavor(settings)
        let extra = flavor.server == .mysql ? ["--set-gtid-purged=OFF"] : []
        return ToolInvocation(flavor.clientTools.dump, arguments: options + extra + clientArguments(settings, flavor: flavor, logger: logger),
                              environment: clientEnvironment(settings))
    }

    /// Checks the file is a whole single-database dump and loads it into a scratch database
    /// first (see `MySQLRestore`), then loads it with `mariadb` (or `mysql`) on standard input.
    public func restoreMethod(_ settings: ConnectionSettings, logger: Logger) throws -> RestoreMethod {
        MySQLRestore(driver: self, settings: settings, logger: logger).method
    }

    /// `mariadb` (or `mysql`; `mysql` first for `flavor: mysql`) loading a dump into the
    /// database `settings` names.
    func loader(_ settings: ConnectionSettings, logger: Logger) -> ToolInvocation {
        let flavor = Self.configuredFlavor(settings)
        return ToolInvocation(flavor.clientTools.load, arguments: clientArguments(settings, flavor: flavor, logger: logger), environment: clientEnvironment(settings))
    }

    /// The environment's `flavor:`, or ``MySQLFlavor/portable`` (which a connection has checked).
    private static func configuredFlavor(_ settings: ConnectionSettings) -> MySQLFlavor {
        (try? MySQLFlavor(configured: settings.options["flavor"], in: settings)) ?? .portable
    }

    /// The connection and TLS arguments of the command-line clients, in the flavour's spelling.
    func clientArguments(_ settings: ConnectionSettings, flavor: MySQLFlavor, logger: Logger) -> [String] {
        let endpoint = ServerEndpoint(settings, defaultPort: 3306)
        let arguments = ["--protocol=TCP", "--host=\(endpoint.host)", "--port=\(endpoint.port)", "--user=\(settings.username ?? "")"]
        return arguments + flavor.clientTLSArguments(endpoint.tlsMode(settings, product: "MySQL", logger: logger)) + [settings.database ?? ""]
    }

    private func clientEnvironment(_ settings: ConnectionSettings) -> [String: String] {
        settings.password.map { ["MYSQL_PWD": $0] } ?? [:]
    }
}
