#if MySQL
import Foundation
import Logging
import Synchronization
import Strata

/// A ``DatabaseConnection`` over the MariaDB Connector/C.
///
/// Values are bound client-side as escaped literals (the text protocol). The migration lock
/// is `GET_LOCK` on a name derived from the database and the history table; the server
/// releases it when the connection ends. On a Galera node (`wsrep_on`), where `GET_LOCK`
/// holds only on that node, it is a ``GaleraLease`` instead, and the session reads causally
/// (`wsrep_sync_wait = 1`): every read sees what the cluster committed before it.
final class MySQLDatabaseConnection: DatabaseConnection {
    let client: MySQLClient
    let endpoint: ServerEndpoint
    let database: String
    /// What the server said of itself at connect.
    let facts: MySQLServerFacts
    /// Opens another session like this one, for a Galera lease.
    private let openSibling: @Sendable () async throws -> MySQLDatabaseConnection
    /// The lease this connection holds or waits for, on a Galera node.
    private let lease = Mutex<GaleraLease?>(nil)
    /// How long a Galera lease lasts unless renewed (`lock_lease=SECONDS`).
    private let leaseLength: Duration

    var dialect: any SQLDialect { MySQLDialect(flavor: facts.flavor) }

    /// The connection's own thread, where the connector's calls run.
    var preferredTaskExecutor: (any TaskExecutor)? { client.thread }

    private init(
        client: MySQLClient, endpoint: ServerEndpoint, database: String, facts: MySQLServerFacts, leaseLength: Duration,
        openSibling: @escaping @Sendable () async throws -> MySQLDatabaseConnection
    ) {
        self.client = client
        self.endpoint = endpoint
        self.database = database
        self.facts = facts
        self.leaseLength = leaseLength
        self.openSibling = openSibling
    }

    /// Opens a connection to the database `settings` names; with `serverOnly`, to the
    /// server without selecting a database (to create or drop one).
    static func open(_ settings: ConnectionSettings, logger: Logger, serverOnly: Bool = false) async throws -> MySQLDatabaseConnection {
        var options = settings.options
        let leaseLength = try leaseLength(options.removeValue(forKey: "lock_lease"), settings: settings)
        // The server says which it is; the configured flavour is for writing SQL without one.
        _ = try MySQLFlavor(configured: options.removeValue(forKey: "flavor"), in: settings)
        if let unknown = options.keys.sorted().first {
            throw StrataError(.configuration, "Unknown MySQL URL option `\(unknown)` in \(settings.redactedDescription).",
                              hint: "Strata reads sslmode=disable|require|verify-full, lock_lease=SECONDS and flavor=mysql|mariadb; remove the others.")
        }
        if !settings.additionalHosts.isEmpty {
            throw StrataError(.configuration, "\(settings.redactedDescription) lists several servers; Strata's MySQL driver connects to one.",
                              hint: "Give one server — on a Galera cluster any node, or the load balancer in front of them.")
        }
        if settings.schema != nil {
            throw StrataError(.configuration, "`schema` does not apply to MySQL (\(settings.redactedDescription)): a MySQL schema is a database.",
                              hint: "Name the database in the URL path or in `database:` instead.")
        }
        let endpoint = ServerEndpoint(settings, defaultPort: 3306)
        let user = try endpoint.username(settings, product: "MySQL", scheme: "mysql")
        guard let database = settings.database, !database.isEmpty || serverOnly else {
            throw StrataError(.configuration, "No database name for MySQL at \(endpoint).",
                              hint: "Put it in the URL path (mysql://user@host/DATABASE) or set `database:`.")
        }
        let tls = endpoint.tlsMode(settings, product: "MySQL", logger: logger)
        let client = try MySQLClient()
        do {
            try await client.connect(
                host: endpoint.host, port: endpoint.port, user: user, password: settings.password,
                database: serverOnly ? nil : database, tls: tls
            )
        } catch let error as MySQLServerError {
            await client.close()
            throw connectionFailure(error, endpoint: endpoint, user: user, database: database, tls: tls)
        }
        let facts: MySQLServerFacts
        do {
            // DATETIME has no time zone: make CURRENT_TIMESTAMP and friends UTC, like Strata's own values.
            facts = MySQLServerFacts(variables: try await client.query([
                ("SET time_zone = '+00:00'", []), (MySQLServerFacts.query, []),
            ]).map { row in (row.first?.value ?? "", row.dropFirst().first?.value ?? "") })
            if facts.isGalera { _ = try await client.query([("SET SESSION wsrep_sync_wait = 1", [])]) }
        } catch {
            await client.close()
            throw StrataError(.failure, "Cannot set up the MySQL session at \(endpoint): \(error).")
        }
        return MySQLDatabaseConnection(
            client: client, endpoint: endpoint, database: database, facts: facts, leaseLength: leaseLength,
            openSibling: { try await open(settings, logger: logger, serverOnly: serverOnly) }
        )
    }

    /// `lock_lease=SECONDS`, checked: how long a Galera lease lasts unless renewed (30 s by default).
    private static func leaseLength(_ text: String?, settings: ConnectionSettings) throws -> Duration {
        guard let text else { return .seconds(30) }
        guard let seconds = Int(text), (2...3600).contains(seconds) else {
            throw StrataError(.configuration, "lock_lease=\(text) in \(settings.redactedDescription) is not a number of seconds from 2 to 3600.",
                              hint: "The lease is how long a killed run can keep a Galera cluster's migration lock; 30 is the default.")
        }
        return .seconds(seconds)
    }

    func execute(_ sql: String) async throws {
        _ = try await query(sql, [])
    }

    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        let rows = try await send([(sql, binds)])
        guard let first = rows.first else { return [] }
        let names = first.map(\.name)
        return rows.map { columns in
            DatabaseRow(names: names, values: columns.map { Self.value($0.value, kind: $0.kind) })
        }
    }

    /// All in one multi-statement request: one round trip for a migration's history and
    /// progress rows.
    func executeAll(_ statements: [SQLStatement]) async throws {
        guard !statements.isEmpty else { return }
        _ = try await send(statements.map { ($0.text, $0.binds) })
    }

    /// Begin, statements and commit (and the next begin) in one request: one round trip,
    /// where three would separate a migration's history change from its commit. The next
    /// transaction is begun afresh, not chained, so it starts with the session's defaults.
    func executeAllAndCommit(_ statements: [SQLStatement], startingTransaction: Bool, beginningNext: Bool) async throws {
        var request = statements.map { ($0.text, $0.binds) }
        if startingTransaction { request.insert(("START TRANSACTION", []), at: 0) }
        request.append(("COMMIT", []))
        if beginningNext { request.append(("START TRANSACTION", [])) }
        _ = try await send(request)
    }

    /// The statements in one request; the server's error as a ``DatabaseError``.
    private func send(_ statements: [(sql: String, binds: [DatabaseValue])]) async throws -> [[(name: String, kind: MySQLClient.ColumnKind, value: String?)]] {
        do {
            return try await client.query(statements)
        } catch let error as MySQLServerError {
            throw Self.databaseError(error)
        }
    }

    func beginTransaction() async throws { try await execute("START TRANSACTION") }
    func commitTransaction() async throws { try await execute("COMMIT") }
    func rollbackTransaction() async throws { try await execute("ROLLBACK") }

    func tableExists(_ name: String) async throws -> Bool {
        try await existingTables([name]).contains(name)
    }

    func existingTables(_ names: [String]) async throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let rows = try await query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (\(placeholders))",
            names.map { .text($0) }
        )
        return Set(rows.compactMap { $0["name"].text })
    }

    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition {
        if facts.isGalera {
            let taken = try await galeraLease(for: key)
            let acquisition = try await taken.acquire(timeout: timeout)
            return acquisition
        }
        let rows = try await query("SELECT GET_LOCK(?, ?) AS locked", [.text(lockName(for: key)), facts.flavor.lockTimeout(timeout)])
        switch rows.first?["locked"].integer {
        case 1: return .acquired
        case 0: return .timedOut(holder: try await holder(of: lockName(for: key)))
        default: throw DatabaseError(message: "GET_LOCK returned NULL (the server could not take the lock)")
        }
    }

    func releaseMigrationLock(key: String) async throws {
        if let taken = lease.withLock({ $0 }) {
            lease.withLock { $0 = nil }
            await taken.release()
            return
        }
        _ = try await query("SELECT RELEASE_LOCK(?)", [.text(lockName(for: key))])
    }

    /// From `IS_USED_LOCK`, or on a Galera node from the lease table: an unexpired lease.
    func migrationLockHolder(key: String) async throws -> String? {
        guard facts.isGalera else { return try await holder(of: lockName(for: key)) }
        return try await GaleraLease.holder(named: lockName(for: key), over: self)
    }

    /// On a Galera node, throws when the lease has not been renewed for a lease's length.
    func checkMigrationLockHeld() async throws {
        try lease.withLock { $0 }?.checkHeld()
    }

    /// Refuses a read-only server, and a Galera node whose DDL would not run in total order.
    func checkServerAcceptsChanges() async throws {
        if facts.isReadOnly {
            throw StrataError(
                .configuration, "MySQL at \(endpoint) is read-only (read_only is ON, as on a replica): it cannot take migrations. Nothing was changed.",
                hint: "Point the environment at the primary server."
            )
        }
        if facts.isGalera, facts.schemaUpgradeMethod != "TOI" {
            throw StrataError(
                .configuration, "The Galera node at \(endpoint) runs schema changes with wsrep_OSU_method=\(facts.schemaUpgradeMethod), which applies them to this node only: the cluster's nodes would diverge, and the migration history with them. Nothing was changed.",
                hint: "Migrate with total order isolation: SET GLOBAL wsrep_OSU_method = 'TOI' (the default), or remove it from the server's configuration. Use RSU by hand, node by node, for changes Strata should not run."
            )
        }
    }

    /// The lease for `key`, over a session of its own (its heartbeat must not wait behind a
    /// long statement of the run).
    private func galeraLease(for key: String) async throws -> GaleraLease {
        if let taken = lease.withLock({ $0 }) { return taken }
        let created = GaleraLease(session: try await openSibling(), name: lockName(for: key), lease: leaseLength,
                                  logger: Logger(label: "strata.migration"))
        lease.withLock { $0 = created }
        return created
    }

    func close() async {
        if let taken = lease.withLock({ $0 }) {
            lease.withLock { $0 = nil }
            await taken.release()
        }
        await client.close()
    }

    /// At most 64 characters, as `GET_LOCK` requires.
    private func lockName(for key: String) -> String {
        "strata:" + Checksum.sha256("\(database)\u{0}\(key)").prefix(40)
    }

    private func holder(of lock: String) async throws -> String? {
        guard let id = try await query("SELECT IS_USED_LOCK(?) AS id", [.text(lock)]).first?["id"].integer else { return nil }
        let rows = try await query("SELECT USER, HOST, COMMAND, TIME FROM information_schema.PROCESSLIST WHERE ID = ?", [.integer(id)])
        guard let row = rows.first else { return "MySQL connection \(id)" }
        var parts: [String] = []
        if let user = row["USER"].text { parts.append("user \(user)") }
        if let host = row["HOST"].text { parts.append("from \(host)") }
        if let command = row["COMMAND"].text, let time = row["TIME"].integer { parts.append("\(command) for \(time) s") }
        return "MySQL connection \(id)" + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }

    private static func value(_ text: String?, kind: MySQLClient.ColumnKind) -> DatabaseValue {
        guard let text else { return .null }
        switch kind {
        case .integer: return Int64(text).map(DatabaseValue.integer) ?? .text(text)
        case .float: return Double(text).map(DatabaseValue.double) ?? .text(text)
        case .time: return DateTimeText.parse(text).map(DatabaseValue.timestamp) ?? .text(text)
        case .text: return .text(text)
        }
    }

    /// The server's number, SQLSTATE and message; "… at line N" becomes the line in the statement.
    static func databaseError(_ error: MySQLServerError) -> DatabaseError {
        var line: Int?
        if let range = error.message.range(of: " at line ", options: .backwards) {
            line = Int(error.message[range.upperBound...].prefix { $0.isNumber })
        }
        return DatabaseError(message: error.message, code: String(error.number), detail: "SQLSTATE \(error.state)", lineInStatement: line)
    }

    private static func connectionFailure(_ error: MySQLServerError, endpoint: ServerEndpoint, user: String, database: String, tls: TLSMode) -> StrataError {
        let prefix = "Cannot connect to MySQL at \(endpoint) as \(user)"
        switch error.number {
        case 1045, 1044, 1698:
            return StrataError(.failure, "\(prefix): authentication failed (\(error.message)).",
                               hint: "Check the user name and password in the environment's url or fields.")
        case 1049:
            return StrataError(.failure, "\(prefix): database \"\(database)\" does not exist.",
                               hint: "Create it (CREATE DATABASE \(database)), or fix the database name.")
        case 2002, 2003:
            return StrataError(.failure, "\(prefix): connection refused (\(error.message)).",
                               hint: "Is MySQL/MariaDB running and listening on \(endpoint)? Check host and port.")
        case 2005:
            return StrataError(.failure, "\(prefix): the host name \(endpoint.host) cannot be resolved.", hint: "Check the host name.")
        case 2026:
            let hint = error.message.contains("doesn't support") || error.message.contains("not support")
                ? "The server does not offer TLS: enable it on the server, or set tls: disable if the network is trusted."
                : tls == .verifyFull
                    ? "The server's certificate could not be verified for \(endpoint.host). Give the server a certificate from a trusted CA for that name, or use tls: require (encrypted, unverified)."
                    : "Check the server's TLS configuration."
            return StrataError(.failure, "\(prefix): the TLS handshake failed (\(error.message)).", hint: hint)
        default:
            return StrataError(.failure, "\(prefix): \(error.message) (error \(error.number)).")
        }
    }
}
#endif
