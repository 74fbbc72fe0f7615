#if MySQL
import Foundation
import Logging
import Synchronization
import Strata

/// The migration lock on a Galera cluster, where `GET_LOCK` holds only on the node that
/// grants it: a lease, one row per lock in the InnoDB table `strata_locks`, whose primary
/// key makes conflicting writers on different nodes lose at certification.
///
/// A run takes the lease with one upsert that changes the row only when the lease expired
/// (or is its own), then reads the row back with causal reads (`wsrep_sync_wait`): the row
/// names it, or another run. While it holds the lease, a heartbeat on the lease's own
/// session pushes the expiry forward every third of the lease; a run killed outright stops
/// renewing, and its lease expires at most one lease after its last renewal. A run whose
/// renewal fails past the expiry stops before its next commit (``checkHeld()``).
///
/// Expiry is computed with the clock of the node that renews and compared with the clock
/// of the node that takes over: the nodes' clocks must agree (NTP) to well within a lease.
final class GaleraLease: Sendable {
    /// The lock table's name.
    static let tableName = "strata_locks"

    private let session: MySQLDatabaseConnection
    private let name: String
    private let lease: Duration
    private let owner: String
    private let logger: Logger
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)
    /// When the lease was last taken or renewed (this process's clock), or `nil` if it was lost.
    private let renewedAt = Mutex<ContinuousClock.Instant?>(nil)

    /// A lease called `name` of length `lease`, taken over `session`, a session of its own.
    init(session: MySQLDatabaseConnection, name: String, lease: Duration, logger: Logger) {
        self.session = session
        self.name = name
        self.lease = lease
        self.logger = logger
        let host = ProcessInfo.processInfo.hostName
        owner = String("\(host.prefix(30)):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))".prefix(64))
    }

    private var table: String { MySQLDialect().quoteIdentifier(Self.tableName) }
    private var seconds: Double { Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18 }

    /// Takes the lease, waiting at most `timeout`; then renews it until ``release()``.
    func acquire(timeout: Duration) async throws -> LockAcquisition {
        try await createTableIfMissing()
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await tryTake() {
                renewedAt.withLock { $0 = .now }
                startHeartbeat()
                return .acquired
            }
            if ContinuousClock.now >= deadline { return .timedOut(holder: try await holder()) }
            // Spread the waiters' attempts, so they do not all certify at once.
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...250)))
        }
    }

    /// Stops renewing and deletes the lease row if it is still this run's.
    func release() async {
        stopHeartbeat()
        renewedAt.withLock { $0 = nil }
        do {
            try await retryingConflicts(on: MySQLDialect()) {
                _ = try await session.query("DELETE FROM \(table) WHERE name = ? AND owner = ?", [.text(name), .text(owner)])
            }
        } catch {
            logger.warning("Could not delete the migration lease; it expires by itself", metadata: ["error": "\(error)"])
        }
        await session.close()
    }

    /// Throws unless the lease was renewed less than a lease ago.
    func checkHeld() throws {
        let last = renewedAt.withLock { $0 }
        guard let last, ContinuousClock.now - last < lease else {
            throw StrataError(
                .failure,
                "The migration lease on the Galera cluster could not be renewed within \(lease), so another run may hold it now; the run stopped before changing anything more.",
                hint: "Check the node's connection to the cluster. Run the command again: it takes the lease afresh and continues from what the history records."
            )
        }
    }

    /// The lock table, created only when missing: its creation is DDL, which the cluster
    /// replicates in total order and which aborts other nodes' transactions on it.
    private func createTableIfMissing() async throws {
        let found = try await session.query(
            "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", [.text(Self.tableName)]
        )
        guard found.isEmpty else { return }
        try await retryingConflicts(on: MySQLDialect()) {
            try await session.execute("""
                CREATE TABLE IF NOT EXISTS \(table) (name VARCHAR(64) NOT NULL PRIMARY KEY, owner VARCHAR(64) NOT NULL, \
                acquired_at DATETIME(6) NOT NULL, expires_at DATETIME(6) NOT NULL) ENGINE=InnoDB
                """)
        }
    }

    /// One attempt: the upsert takes the row when its lease expired (or is this run's
    /// already), then the row is read back after the node caught up with the cluster.
    private func tryTake() async throws -> Bool {
        do {
            _ = try await session.query("""
                INSERT INTO \(table) (name, owner, acquired_at, expires_at) \
                VALUES (?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND) \
                ON DUPLICATE KEY UPDATE \
                owner = IF(expires_at < UTC_TIMESTAMP(6), VALUES(owner), owner), \
                acquired_at = IF(owner = VALUES(owner), VALUES(acquired_at), acquired_at), \
                expires_at = IF(owner = VALUES(owner), VALUES(expires_at), expires_at)
                """, [.text(name), .text(owner), .integer(Int64(seconds * 1_000_000))])
        } catch let error as DatabaseError where MySQLDialect().isRetryableConflict(error) {
            // Another node's write to the row certified first.
            return false
        }
        let rows = try await session.query("SELECT owner FROM \(table) WHERE name = ?", [.text(name)])
        return rows.first?["owner"].text == owner
    }

    /// Who holds the lease, and until when.
    private func holder() async throws -> String? {
        try await Self.holder(named: name, over: session)
    }

    /// Who holds the lease called `name` — an unexpired one — read over `connection`; `nil`
    /// when nobody does, or no lease was ever taken there.
    static func holder(named name: String, over connection: MySQLDatabaseConnection) async throws -> String? {
        let table = MySQLDialect().quoteIdentifier(tableName)
        guard try await connection.tableExists(tableName) else { return nil }
        let rows = try await connection.query("""
            SELECT owner, acquired_at, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), expires_at) AS remaining FROM \(table) \
            WHERE name = ? AND expires_at > UTC_TIMESTAMP(6)
            """, [.text(name)])
        guard let row = rows.first, let holder = row["owner"].text else { return nil }
        let since = row["acquired_at"].date.map { ", since \(ISO8601Timestamp.format($0))" } ?? ""
        let remaining = row["remaining"].integer.map { ", its lease expiring in \(max($0, 0)) s unless renewed" } ?? ""
        return "the run \(holder) (lease in \(Self.tableName)\(since)\(remaining))"
    }

    private func startHeartbeat() {
        let interval = lease / 3
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                await renew()
            }
        }
        heartbeat.withLock { $0 = task }
    }

    private func stopHeartbeat() {
        heartbeat.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Pushes the expiry forward if the row is still this run's. A failure is logged and
    /// tried again at the next beat; ``checkHeld()`` tells when it has lasted too long.
    private func renew() async {
        do {
            let rows = try await session.query("""
                UPDATE \(table) SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ?;
                SELECT ROW_COUNT() AS renewed
                """, [.integer(Int64(seconds * 1_000_000)), .text(name), .text(owner)])
            if rows.first?["renewed"].integer == 1 {
                renewedAt.withLock { $0 = .now }
            } else {
                logger.error("The migration lease was taken by another run", metadata: ["lease": "\(name)"])
                renewedAt.withLock { $0 = nil }
            }
        } catch {
            logger.warning("Could not renew the migration lease", metadata: ["error": "\(error)"])
        }
    }
}
#endif
