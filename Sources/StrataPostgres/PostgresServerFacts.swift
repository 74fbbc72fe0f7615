import Strata

/// What a PostgreSQL connection learns about the server it reached, in one query when it
/// connects: whether it is a standby, whether it is read-only by default, the port it
/// serves (to tell a pooling proxy in between), and its `version()` (to tell engines that
/// only speak PostgreSQL's protocol).
struct PostgresServerFacts: Sendable, Hashable {
    /// `version()`.
    var version: String
    /// `pg_is_in_recovery()`: a standby, which takes no writes.
    var isStandby: Bool
    /// `default_transaction_read_only`: every transaction is read-only unless it says otherwise.
    var isReadOnlyByDefault: Bool
    /// `inet_server_port()`: the port the server accepted this session on; `nil` over a Unix socket.
    var serverPort: Int?

    /// Reads the facts over `connection`. An engine without `pg_is_in_recovery()` (one
    /// that only speaks the protocol) is asked for its version alone.
    static func read(_ connection: PostgresDatabaseConnection) async throws -> PostgresServerFacts {
        do {
            let rows = try await connection.query("""
                SELECT version() AS version, pg_is_in_recovery() AS standby, \
                current_setting('default_transaction_read_only') AS read_only, inet_server_port() AS port
                """, [])
            let row = rows.first
            return PostgresServerFacts(
                version: row?["version"].text ?? "", isStandby: row?["standby"].integer == 1,
                isReadOnlyByDefault: row?["read_only"].text == "on", serverPort: row?["port"].integer.map(Int.init)
            )
        } catch {
            let version = try await connection.query("SELECT version() AS version", []).first?["version"].text ?? ""
            return PostgresServerFacts(version: version, isStandby: false, isReadOnlyByDefault: false, serverPort: nil)
        }
    }

    /// The engine's name when `version()` says it is not PostgreSQL but only speaks its
    /// protocol — CockroachDB, YugabyteDB, Redshift, CrateDB — whose advisory locks are
    /// no-ops, optional or missing; `nil` for PostgreSQL itself.
    static func foreignEngine(version: String) -> String? {
        let markers: [(text: String, engine: String)] = [
            ("CockroachDB", "CockroachDB"), ("-YB-", "YugabyteDB"), ("YugabyteDB", "YugabyteDB"),
            ("Redshift", "Amazon Redshift"), ("CrateDB", "CrateDB"),
        ]
        return markers.first { version.contains($0.text) }?.engine
    }

    /// ``foreignEngine(version:)`` of this server.
    var foreignEngine: String? { Self.foreignEngine(version: version) }

    /// Whether this server takes writes: neither a standby nor read-only by default.
    var acceptsWrites: Bool { !isStandby && !isReadOnlyByDefault }
}

/// Which server of those a URL lists a connection should reach: libpq's
/// `target_session_attrs`.
enum TargetSessionAttributes: String, Sendable, CaseIterable {
    case any
    case readWrite = "read-write"
    case primary
    case readOnly = "read-only"
    case standby
    case preferStandby = "prefer-standby"

    /// Whether a server with `facts` suits, on the first pass over the servers
    /// (`prefer-standby` takes any server on a second pass).
    func accepts(_ facts: PostgresServerFacts) -> Bool {
        switch self {
        case .any: true
        case .readWrite: facts.acceptsWrites
        case .primary: !facts.isStandby
        case .readOnly: !facts.acceptsWrites
        case .standby, .preferStandby: facts.isStandby
        }
    }

    /// The accepted values, for messages.
    static var accepted: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
