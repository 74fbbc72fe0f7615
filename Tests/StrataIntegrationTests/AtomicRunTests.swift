import Foundation
import Strata
import Testing

/// `migrate --atomic`: every pending migration and its history row in one transaction, on
/// every engine — all or nothing where the DDL is transactional, refused (nothing changed)
/// where it is not. Checked on the real databases, with the transaction verbs the run asked
/// of its connection written down.
@Suite struct AtomicRunTests {
    private func atomic() -> Migrator.MigrateOptions { Migrator.MigrateOptions(transactions: .atomic) }

    @Test(arguments: TestDatabase.all)
    func allPendingMigrationsCommitInOneTransactionOrTheRunIsRefused(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...3)
        try await db.migrator().migrate(Migrator.MigrateOptions(step: 1))
        try db.writeTables(4...5)
        let log = TransactionLog()
        var migrator = try db.migrator()
        let connect = migrator.connect
        migrator.connect = { purpose in TransactionLoggingConnection(try await connect(purpose), log: log) }
        let events = EventLog()

        guard engine.driver.dialect.supportsTransactionalDDL else {
            let error = await #expect(throws: StrataError.self) { try await migrator.migrate(atomic(), progress: events.append) }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains("commits each DDL statement by itself") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("Nothing was changed") == true)
            let dryRun = await #expect(throws: StrataError.self) { try await migrator.pendingPlan(atomic()) }
            #expect(dryRun?.message == error?.message)
            #expect(try await db.historyVersions() == ["20250101000001"])
            #expect(try await !db.hasTable("t2"))
            #expect(log.take().isEmpty)
            return
        }
        #expect(try await migrator.pendingPlan(atomic()).count == 4)
        let applied = try await migrator.migrate(atomic(), progress: events.append)
        #expect(applied.map(\.id.version.digits) == (2...5).map { "2025010100000\($0)" })
        #expect(log.take() == ["begin", "commit"])
        #expect(try await db.historyVersions() == (1...5).map { "2025010100000\($0)" })
        for number in 2...5 { #expect(try await db.hasTable("t\(number)")) }
        // Each migration is reported as it runs, and the run once, when it committed.
        #expect(events.names == ["started", "statement", "ran", "started", "statement", "ran", "started", "statement", "ran", "started", "statement", "ran", "committed 4"])
        // The rows are the history a run one migration at a time would write: undo reads them.
        #expect(try await db.migrator().undo(.all).count == 5)
        #expect(try await db.historyVersions().isEmpty)
    }

    @Test(arguments: TestDatabase.all.filter { $0.driver.dialect.supportsTransactionalDDL })
    func aFailureRollsBackEveryMigrationOfTheRun(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        try db.write("20250101000003", "broken", up: "INSERT INTO t1 (id) VALUES (1);\nINSERT INTO no_such_table (id) VALUES (1);")
        try db.writeTables(4...4)

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate(atomic()) }
        #expect(error?.message.contains("20250101000003-broken failed at") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("no_such_table") == true)
        #expect(error?.hint?.contains("none was applied, not even the 2 that ran before this one") == true, "\(error?.hint ?? "")")
        #expect(try await db.historyVersions().isEmpty)
        for number in 1...4 { #expect(try await !db.hasTable("t\(number)")) }
        // Nothing is dirty: the next run starts from the same place.
        #expect(try await db.migrator().status().allSatisfy { $0.state == .pending })
        try db.write("20250101000003", "broken", up: "INSERT INTO t1 (id) VALUES (1);")
        #expect(try await db.migrator().migrate(atomic()).count == 4)
        #expect(try await db.query("SELECT id FROM t1").count == 1)
    }

    /// A constraint checked at the commit fails the commit itself: no migration of the run
    /// stays, and the error says so.
    @Test(arguments: TestDatabase.all.filter { $0.driver.dialect.supportsTransactionalDDL })
    func aFailingCommitKeepsNothing(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "parents", up: "CREATE TABLE parents (id INTEGER PRIMARY KEY);")
        try db.write("20250101000002", "children", up: """
            CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
            INSERT INTO children (id, parent_id) VALUES (1, 42);
            """)
        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate(atomic()) }
        #expect(error?.message.contains("Committing the run's one transaction of 2 migrations failed") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("none of the 2 migrations was applied") == true)
        #expect(try await db.historyVersions().isEmpty)
        #expect(try await !db.hasTable("parents"))
        #expect(try await !db.hasTable("children"))
    }

    @Test(arguments: TestDatabase.all.filter { $0.driver.dialect.supportsTransactionalDDL })
    func aMigrationOutsideATransactionIsRefusedOrRunOnItsOwn(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...1)
        try db.write("20250101000002", "outside", up: engine.driver.dialect.name == "postgres" ? "VACUUM t1;" : "VACUUM;", upOptions: "transaction:false")
        try db.writeTables(3...3)

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate(atomic()) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("migration 20250101000002-outside (") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("is marked transaction:false") == true)
        #expect(try await db.historyVersions().isEmpty)
        #expect(try await !db.hasTable("t1"))
        // The part before it may run atomically.
        #expect(try await db.migrator().migrate(Migrator.MigrateOptions(target: MigrationReference("20250101000001"), transactions: .atomic)).count == 1)

        // Where possible: here it is not, so each migration commits on its own.
        let log = TransactionLog()
        var migrator = try db.migrator()
        let connect = migrator.connect
        migrator.connect = { purpose in TransactionLoggingConnection(try await connect(purpose), log: log) }
        #expect(try await migrator.migrate(Migrator.MigrateOptions(transactions: .atomicWherePossible)).count == 2)
        #expect(log.take() == ["begin, record, commit", "begin", "record, commit"])
        #expect(try await db.historyVersions().count == 3)
    }
}

/// The events a run reported, by kind.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [MigrationEvent] = []

    func append(_ event: MigrationEvent) { lock.withLock { events.append(event) } }

    /// `started`, `ran`, `finished`, `committed N`…
    var names: [String] {
        lock.withLock {
            events.map { event in
                switch event {
                case .waitingForLock: "waiting"
                case .started: "started"
                case .statementStarted: "statement"
                case .statementSkipped: "skipped"
                case .finished: "finished"
                case .ran: "ran"
                case .committed(let count, _): "committed \(count)"
                }
            }
        }
    }
}
