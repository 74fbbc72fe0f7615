import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Strata

/// A ``DatabaseConnection`` over one PostgresNIO connection.
///
/// The migration lock is a session-level advisory lock whose key is derived from the
/// database, the schema and the history table, so different schemas of one database
/// migrate independently. Statements are sent one at a time: PostgresNIO speaks only the
/// extended query protocol, which takes one statement per message. A run of several
/// migrations chains their transactions (`COMMIT AND CHAIN`), so each costs as many round
/// trips as `BEGIN`, its statement and `COMMIT` would without the history row.
final class PostgresDatabaseConnection: DatabaseConnection {
    let connection: PostgresConnection
    let endpoint: ServerEndpoint
    let schema: String?
    private let logger = Logger(label: "strata.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Whether the server knows `COMMIT AND CHAIN`, once asked.
    private let chainsCommits = NIOLockedValueBox<Bool?>(nil)
    /// Whether a statement of the transaction in progress may have set its characteristics.
    private let mayHaveSetCharacteristics = NIOLockedValueBox(false)

    var dialect: any SQLDialect { PostgresDialect() }
    let preferredTaskExecutor: (any TaskExecutor)?

    init(connection: PostgresConnection, endpoint: ServerEndpoint, schema: String?) {
        self.connection = connection
        self.endpoint = endpoint
        self.schema = schema
        self.preferredTaskExecutor = EventLoopTaskExecutor(connection.eventLoop)
    }

    func execute(_ sql: String) async throws {
        _ = try await query(sql, [])
    }

    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        if Self.maySetTransactionCharacteristics(sql) { mayHaveSetCharacteristics.withLockedValue { $0 = true } }
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .double(let double): bindings.append(double)
            case .text(let text): bindings.append(text)
            case .timestamp(let date): bindings.append(date)
            }
        }
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var result: [DatabaseRow] = []
            var names: [String]?
            for try await row in rows {
                // The result's column names once, shared by every row.
                let columns = names ?? row.map(\.columnName)
                names = columns
                result.append(DatabaseRow(names: columns, values: row.map(Self.value(of:))))
            }
            return result
        } catch {
            throw PostgresErrors.databaseError(error)
        }
    }

    func beginTransaction() async throws { try await transactionBoundary("BEGIN") }
    func commitTransaction() async throws { try await transactionBoundary("COMMIT") }
    func rollbackTransaction() async throws { try await transactionBoundary("ROLLBACK") }

    /// `COMMIT AND CHAIN` (PostgreSQL 12 and later): the commit starts the next transaction,
    /// one round trip where `COMMIT` then `BEGIN` take two. The chained transaction has the
    /// characteristics of the one committed — its isolation level, read-only, deferrable —
    /// so after a statement that may have set them (a migration's `SET TRANSACTION …`), the
    /// commit and the begin are sent apart, and the next migration starts with the defaults.
    func commitAndBeginTransaction() async throws {
        if try await serverChainsCommits(), !mayHaveSetCharacteristics.withLockedValue({ $0 }) {
            try await transactionBoundary("COMMIT AND CHAIN")
        } else {
            try await commitTransaction()
            try await beginTransaction()
        }
    }

    /// Runs `sql`, which starts or ends a transaction: what follows runs with no
    /// characteristics set by a statement.
    private func transactionBoundary(_ sql: String) async throws {
        mayHaveSetCharacteristics.withLockedValue { $0 = false }
        try await execute(sql)
    }

    /// Whether `sql` may set the characteristics of the transaction it runs in: `SET
    /// TRANSACTION …`, or the `transaction_isolation`, `transaction_read_only` and
    /// `transaction_deferrable` settings. Any statement naming `transaction` counts: a false
    /// alarm costs one round trip, a missed one would carry the setting into the next
    /// migration.
    private static func maySetTransactionCharacteristics(_ sql: String) -> Bool {
        sql.range(of: "transaction", options: .caseInsensitive) != nil
    }

    /// Whether the server knows `COMMIT AND CHAIN`, asked once per connection, when first
    /// needed: a run that applies one migration never asks.
    private func serverChainsCommits() async throws -> Bool {
        if let known = chainsCommits.withLockedValue({ $0 }) { return known }
        let rows = try await query("SELECT current_setting('server_version_num')::integer AS version", [])
        let chains = (rows.first?["version"].integer ?? 0) >= 120_000
        chainsCommits.withLockedValue { $0 = chains }
        return chains
    }

    func tableExists(_ name: String) async throws -> Bool {
        try await existingTables([name]).contains(name)
    }

    /// From the catalog rather than `information_schema.tables`: a view over several catalogs
    /// with a privilege check per row, which a fresh backend takes milliseconds to plan.
    /// Tables, partitioned tables, views and foreign tables count, as they do there.
    func existingTables(_ names: [String]) async throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        let placeholders = names.indices.map { dialect.bindPlaceholder(at: $0 + 1) }.joined(separator: ", ")
        let rows = try await query("""
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = pg_catalog.current_schema() AND c.relkind IN ('r', 'p', 'v', 'f') AND c.relname IN (\(placeholders))
            """, names.map { .text($0) })
        return Set(rows.compactMap { $0["relname"].text })
    }

    func prepareForChanges() async throws {
        guard let schema else { return }
        try await execute("CREATE SCHEMA IF NOT EXISTS \(dialect.quoteIdentifier(schema))")
    }

    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition {
        let lockKey = try await advisoryKey(for: key)
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await query("SELECT pg_try_advisory_lock($1) AS locked", [.integer(lockKey)])
            if rows.first?["locked"].integer == 1 { return .acquired }
            if ContinuousClock.now >= deadline { return .timedOut(holder: try await holder(of: lockKey)) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func releaseMigrationLock(key: String) async throws {
        let lockKey = try await advisoryKey(for: key)
        _ = try await query("SELECT pg_advisory_unlock($1)", [.integer(lockKey)])
    }

    func close() async {
        try? await connection.close()
    }

    /// A 64-bit key from the database, the schema and Strata's lock name.
    private func advisoryKey(for key: String) async throws -> Int64 {
        let rows = try await query("SELECT current_database() AS database, current_schema() AS schema", [])
        let database = rows.first?["database"].text ?? ""
        let schemaName = schema ?? rows.first?["schema"].text ?? "public"
        let digest = Checksum.sha256("\(database)\u{0}\(schemaName)\u{0}\(key)")
        return Int64(bitPattern: UInt64(digest.prefix(16), radix: 16) ?? 0)
    }

    /// Who holds the advisory lock, from `pg_locks` and `pg_stat_activity`.
    private func holder(of lockKey: Int64) async throws -> String? {
        let bits = UInt64(bitPattern: lockKey)
        let rows = try await query("""
            SELECT a.pid, a.application_name, host(a.client_addr) AS client, a.backend_start, a.state
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1
            """, [.integer(Int64(bits >> 32)), .integer(Int64(bits & 0xFFFF_FFFF))])
        guard let row = rows.first, let pid = row["pid"].integer else { return nil }
        var parts: [String] = []
        if let application = row["application_name"].text, !application.isEmpty { parts.append("application \(application)") }
        if let client = row["client"].text { parts.append("from \(client)") }
        if let started = row["backend_start"].date { parts.append("connected since \(ISO8601Timestamp.format(started))") }
        if let state = row["state"].text { parts.append(state) }
        return "PostgreSQL backend pid \(pid)" + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }

    private static func value(of cell: PostgresCell) -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return (try? cell.decode(Int64.self)).map(DatabaseValue.integer) ?? .null
        case .float4, .float8:
            return (try? cell.decode(Double.self)).map(DatabaseValue.double) ?? .null
        case .bool:
            return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        case .timestamptz, .timestamp, .date:
            return (try? cell.decode(Date.self)).map(DatabaseValue.timestamp) ?? .null
        default:
            if let text = try? cell.decode(String.self) { return .text(text) }
            return .text("<\(cell.dataType)>")
        }
    }
}
