import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Strata

/// A ``DatabaseConnection`` over one PostgresNIO connection.
///
/// The migration lock is a transaction-level advisory lock whose key is derived from the
/// database, the schema and the history table, so different schemas of one database
/// migrate independently. It is held by a second session of its own, in a transaction that
/// stays open while the run goes on: the lock ends with that transaction — released, or the
/// session gone, however the process ended — so no server connection keeps it afterwards,
/// even through a transaction-pooling proxy such as PgBouncer, which hands a session's
/// later statements to other server connections but keeps one for an open transaction.
///
/// Statements are sent one at a time: PostgresNIO speaks only the extended query protocol,
/// which takes one statement per message. A run of several migrations chains their
/// transactions (`COMMIT AND CHAIN`), so each costs as many round trips as `BEGIN`, its
/// statement and `COMMIT` would without the history row.
///
/// Through a transaction-pooling proxy, nothing is set for the session: with `schema:`, the
/// search path is set with `SET LOCAL` in every transaction, and a statement Strata sends
/// outside one is wrapped in one of its own.
final class PostgresDatabaseConnection: DatabaseConnection {
    let connection: PostgresConnection
    let endpoint: ServerEndpoint
    let schema: String?
    private let logger = Logger(label: "strata.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Whether the server knows `COMMIT AND CHAIN`, once asked.
    private let chainsCommits = NIOLockedValueBox<Bool?>(nil)
    /// Whether a statement of the transaction in progress may have set its characteristics.
    private let mayHaveSetCharacteristics = NIOLockedValueBox(false)
    /// Opens another session to the same server, to hold the migration lock.
    private let openLockSession: @Sendable () async throws -> PostgresConnection
    /// The session that holds (or waits for) the migration lock.
    private let lockSession = NIOLockedValueBox<PostgresConnection?>(nil)
    /// What the server said of itself at connect, and whether a pooling proxy is in between.
    private let settled = NIOLockedValueBox<(facts: PostgresServerFacts, pooled: Bool)?>(nil)
    /// Whether Strata began a transaction that has not ended.
    private let inTransaction = NIOLockedValueBox(false)

    var dialect: any SQLDialect { PostgresDialect() }
    let preferredTaskExecutor: (any TaskExecutor)?

    init(connection: PostgresConnection, endpoint: ServerEndpoint, schema: String?, openLockSession: @escaping @Sendable () async throws -> PostgresConnection) {
        self.connection = connection
        self.endpoint = endpoint
        self.schema = schema
        self.openLockSession = openLockSession
        self.preferredTaskExecutor = EventLoopTaskExecutor(connection.eventLoop)
    }

    /// Records what the server said of itself and whether a pooling proxy is in between, and
    /// sets the session up: on a direct connection, the search path to `schema:`.
    func settle(facts: PostgresServerFacts, pooled: Bool) async throws {
        settled.withLockedValue { $0 = (facts, pooled) }
        // The facts' query names `default_transaction_read_only`, but it ran outside any transaction.
        mayHaveSetCharacteristics.withLockedValue { $0 = false }
        if let schema, !pooled {
            try await run("SET search_path TO \(dialect.quoteIdentifier(schema))", [])
        }
    }

    /// Whether statements go through a transaction-pooling proxy.
    private var isPooled: Bool { settled.withLockedValue { $0?.pooled } ?? false }

    /// The search path a transaction sets for itself, where the session cannot keep one.
    private var localSearchPath: String? {
        guard isPooled, let schema else { return nil }
        return "SET LOCAL search_path TO \(dialect.quoteIdentifier(schema))"
    }

    func execute(_ sql: String) async throws {
        _ = try await query(sql, [])
    }

    /// Through a pooling proxy with `schema:`, a statement outside a transaction runs in one
    /// of its own that sets the search path first.
    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        guard let searchPath = localSearchPath, !inTransaction.withLockedValue({ $0 }) else { return try await run(sql, binds) }
        try await run("BEGIN", [])
        do {
            try await run(searchPath, [])
            let rows = try await run(sql, binds)
            try await run("COMMIT", [])
            return rows
        } catch {
            _ = try? await run("ROLLBACK", [])
            throw error
        }
    }

    /// Sends one statement.
    @discardableResult
    private func run(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
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
            // The rows collected on the event loop and handed over once: the async row
            // sequence costs a suspension, a cancellation handler and back-pressure
            // bookkeeping per row and per statement, which a migration's statements —
            // mostly without rows — would pay on every round trip.
            let rows = try await Self.send(PostgresQuery(unsafeSQL: sql, binds: bindings), on: connection, endpoint: endpoint, logger: logger)
            var result: [DatabaseRow] = []
            result.reserveCapacity(rows.count)
            var names: [String]?
            for row in rows {
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

    /// Sends `query` on `connection` and collects its rows — failing at once if the server
    /// already closed the connection. PostgresNIO hands a query to a closed connection's
    /// channel with no way to hear that the write failed, and its answer never comes: the run
    /// would wait forever after the server ended an idle session (`pg_terminate_backend`, a
    /// restart). On the event loop, the check and the write cannot be split by the close.
    static func send(_ query: PostgresQuery, on connection: PostgresConnection, endpoint: ServerEndpoint, logger: Logger) async throws -> PostgresQueryResult {
        let eventLoop = connection.eventLoop
        let send = { @Sendable () -> EventLoopFuture<PostgresQueryResult> in
            guard !connection.isClosed else { return eventLoop.makeFailedFuture(ConnectionClosed(endpoint: endpoint)) }
            return connection.query(query, logger: logger)
        }
        return try await (eventLoop.inEventLoop ? send() : eventLoop.flatSubmit(send)).get()
    }

    func beginTransaction() async throws {
        try await transactionBoundary("BEGIN", opens: true)
        try await setLocalSearchPath()
    }
    func commitTransaction() async throws { try await transactionBoundary("COMMIT", opens: false) }
    func rollbackTransaction() async throws { try await transactionBoundary("ROLLBACK", opens: false) }

    /// Through a pooling proxy with `schema:`, the search path of the transaction just begun.
    private func setLocalSearchPath() async throws {
        if let searchPath = localSearchPath { try await run(searchPath, []) }
    }

    /// `COMMIT AND CHAIN` (PostgreSQL 12 and later): the commit starts the next transaction,
    /// one round trip where `COMMIT` then `BEGIN` take two. The chained transaction has the
    /// characteristics of the one committed — its isolation level, read-only, deferrable —
    /// so after a statement that may have set them (a migration's `SET TRANSACTION …`), the
    /// commit and the begin are sent apart, and the next migration starts with the defaults.
    func commitAndBeginTransaction() async throws {
        if try await serverChainsCommits(), !mayHaveSetCharacteristics.withLockedValue({ $0 }) {
            try await transactionBoundary("COMMIT AND CHAIN", opens: true)
            try await setLocalSearchPath()
        } else {
            try await commitTransaction()
            try await beginTransaction()
        }
    }

    /// Runs `sql`, which starts or ends a transaction: what follows runs with no
    /// characteristics set by a statement.
    private func transactionBoundary(_ sql: String, opens: Bool) async throws {
        mayHaveSetCharacteristics.withLockedValue { $0 = false }
        inTransaction.withLockedValue { $0 = opens }
        try await run(sql, [])
    }

    /// Whether `sql` may set the characteristics of the transaction it runs in: `SET
    /// TRANSACTION …`, or the `transaction_isolation`, `transaction_read_only` and
    /// `transaction_deferrable` settings. Any statement naming `transaction` counts: a false
    /// alarm costs one round trip, a missed one would carry the setting into the next
    /// migration.
    private static func maySetTransactionCharacteristics(_ sql: String) -> Bool {
        // On the bytes, ASCII case folded: Foundation's case-insensitive search costs
        // thousands of instructions a statement, and every statement is checked.
        let word = Self.transactionWord
        var sql = sql
        return sql.withUTF8 { bytes in
            guard bytes.count >= word.count else { return false }
            for start in 0...(bytes.count - word.count) where bytes[start] | 0x20 == word[0] {
                var offset = 1
                while offset < word.count, bytes[start + offset] | 0x20 == word[offset] { offset += 1 }
                if offset == word.count { return true }
            }
            return false
        }
    }

    private static let transactionWord = Array("transaction".utf8)

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

    func close() async {
        if let session = lockSession.withLockedValue({ $0 }) {
            lockSession.withLockedValue { $0 = nil }
            await Self.end(session, logger: logger)
        }
        let connection = self.connection
        await withDeadline(.seconds(5)) { try? await connection.close() }
    }

    /// Polls `pg_try_advisory_xact_lock` on the lock session, each attempt in a transaction
    /// that ends at once when it fails: a waiter never waits inside a statement, so it never
    /// holds a snapshot that `CREATE INDEX CONCURRENTLY` of the run it waits for would wait on.
    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition {
        let lockKey = try await advisoryKey(for: key)
        let session = try await lockSessionOpened()
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                _ = try await Self.send("BEGIN", on: session, endpoint: endpoint, logger: logger)
                let rows = try await Self.send("SELECT pg_try_advisory_xact_lock(\(lockKey)) AS locked", on: session, endpoint: endpoint, logger: logger)
                let locked = rows.first.flatMap { try? $0.decode(Bool.self) } ?? false
                if locked {
                    // A utility statement replaces the lock query's portal, which held its
                    // snapshot: the open transaction then holds no snapshot, so it neither
                    // holds back vacuum nor makes `CREATE INDEX CONCURRENTLY` wait on it.
                    _ = try await Self.send("SET LOCAL application_name = 'strata: migration lock'", on: session, endpoint: endpoint, logger: logger)
                    return .acquired
                }
                _ = try await Self.send("ROLLBACK", on: session, endpoint: endpoint, logger: logger)
            } catch {
                throw PostgresErrors.databaseError(error)
            }
            if ContinuousClock.now >= deadline { return .timedOut(holder: try await holder(of: lockKey)) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Ends the lock session's transaction, which releases the lock, and closes the session.
    func releaseMigrationLock(key: String) async throws {
        guard let session = lockSession.withLockedValue({ $0 }) else { return }
        lockSession.withLockedValue { $0 = nil }
        await Self.end(session, logger: logger)
    }

    /// Rolls back and closes the lock session, giving up after five seconds: after the
    /// server went away, a statement on a session that has not noticed yet may never be
    /// answered, and the lock ends with the server's session anyway.
    private static func end(_ session: PostgresConnection, logger: Logger) async {
        await withDeadline(.seconds(5)) {
            if !session.isClosed { _ = try? await session.query("ROLLBACK", logger: logger) }
            try? await session.close()
        }
    }

    /// From `pg_locks`: any session holding the lock, in a transaction or not.
    func migrationLockHolder(key: String) async throws -> String? {
        try await holder(of: try await advisoryKey(for: key))
    }

    /// The lock is held while its session is open: the server ends the transaction, and the
    /// lock, with the session.
    func checkMigrationLockHeld() async throws {
        guard let session = lockSession.withLockedValue({ $0 }) else { return }
        if session.isClosed {
            throw StrataError(
                .failure, "The session holding the migration lock on PostgreSQL at \(endpoint) was closed, so the lock is gone; the run stopped before changing anything more.",
                hint: "Another run may now take the lock. Run the command again: it takes the lock afresh and continues from what the history records."
            )
        }
    }

    /// Refuses a standby, a server read-only by default, and engines that only speak
    /// PostgreSQL's protocol.
    func checkServerAcceptsChanges() async throws {
        guard let facts = settled.withLockedValue({ $0?.facts }) else { return }
        if let engine = facts.foreignEngine {
            throw StrataError(
                .configuration, "The server at \(endpoint) is \(engine), not PostgreSQL (version(): \(facts.version.prefix(80))). Its advisory locks are no-ops, optional or missing, so Strata cannot guarantee that concurrent runs apply each migration once, and refuses to change it. Nothing was changed.",
                hint: "Run migrations against PostgreSQL, or from a single process with your engine's own tooling."
            )
        }
        if facts.isStandby {
            throw StrataError(
                .configuration, "PostgreSQL at \(endpoint) is a read-only standby (pg_is_in_recovery() is true): it cannot take migrations. Nothing was changed.",
                hint: "Point the environment at the primary, or list every server with target_session_attrs=primary (postgres://user@db1:5432,db2:5432/app?target_session_attrs=primary) so Strata finds it. `strata status` works on a standby."
            )
        }
        if facts.isReadOnlyByDefault {
            throw StrataError(
                .configuration, "PostgreSQL at \(endpoint) is read-only (default_transaction_read_only is on): it cannot take migrations. Nothing was changed.",
                hint: "Point the environment at a server that takes writes, or have the user's default_transaction_read_only turned off."
            )
        }
    }

    /// Through a transaction-pooling proxy, refuses what would reach other clients or miss
    /// its own effect: session settings, session advisory locks, and — with `schema:` — any
    /// statement outside a transaction, for which the search path cannot be set.
    func checkStatementRunnable(_ statement: SQLStatement, inTransaction: Bool) throws {
        guard isPooled else { return }
        let proxy = "the transaction-pooling proxy at \(endpoint)"
        let fix = "Give the environment a `direct_url:` that reaches the PostgreSQL server itself, not the proxy: Strata then migrates over it."
        if let kind = PooledStatementRules.sessionState(in: statement.text) {
            throw StrataError(.configuration, "\(kind) belongs to the session, and through \(proxy) a session's server connection is shared: it would reach other clients, and this run's next statements may not see it.",
                              hint: (kind.hasPrefix("SET") ? "Use SET LOCAL inside the migration's transaction instead, or: " : "") + fix)
        }
        if !inTransaction, let schema {
            throw StrataError(.configuration, "This statement runs outside a transaction, where Strata cannot set the search path to schema \(schema) through \(proxy).",
                              hint: fix)
        }
    }

    /// The lock session, opened when first needed.
    private func lockSessionOpened() async throws -> PostgresConnection {
        if let session = lockSession.withLockedValue({ $0 }) { return session }
        let session: PostgresConnection
        do {
            session = try await openLockSession()
        } catch {
            throw StrataError(.failure, "Cannot open the session that takes the migration lock on PostgreSQL at \(endpoint): \(PostgresErrors.databaseError(error)).")
        }
        lockSession.withLockedValue { $0 = session }
        return session
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
