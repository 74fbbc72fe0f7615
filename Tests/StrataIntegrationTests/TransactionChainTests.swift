import Foundation
import Logging
import Strata
import Testing

/// A run of several migrations chains their transactions where it can: the commit that
/// records one starts the next one's transaction (`COMMIT AND CHAIN` on PostgreSQL), never
/// around a migration that must run outside a transaction. Checked on every engine, on the
/// real database, with the transaction verbs the run asked of its connection written down.
@Suite struct TransactionChainTests {
    @Test(arguments: TestDatabase.all)
    func transactionsChainOnlyBetweenMigrationsThatRunInOne(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        for number in 1...2 {
            try db.write("2025010100000\(number)", "table-\(number)", up: "CREATE TABLE t\(number) (id INTEGER);", down: "DROP TABLE t\(number);")
        }
        // Refused inside a transaction, on each engine: it proves the chain ended before it.
        let outsideTransaction = switch engine.driver.dialect.name {
        case "mysql": "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;"
        case "postgres": "VACUUM t1;"
        default: "VACUUM;"
        }
        try db.write("20250101000003", "outside", up: outsideTransaction, down: outsideTransaction,
                     upOptions: "transaction:false", downOptions: "transaction:false")
        for number in 4...5 {
            try db.write("2025010100000\(number)", "table-\(number)", up: "CREATE TABLE t\(number) (id INTEGER);", down: "DROP TABLE t\(number);")
        }
        let log = TransactionLog()
        var migrator = try db.migrator()
        let connect = migrator.connect
        migrator.connect = { purpose in TransactionLoggingConnection(try await connect(purpose), log: log) }

        let applied = try await migrator.migrate()
        #expect(applied.count == 5)
        #expect(try await db.historyVersions() == (1...5).map { "2025010100000\($0)" })
        for number in [1, 2, 4, 5] { #expect(try await db.hasTable("t\(number)")) }
        let migrateSteps = log.take()

        try await migrator.undo(.all)
        #expect(try await db.historyVersions().isEmpty)
        for number in [1, 2, 4, 5] { #expect(try await !db.hasTable("t\(number)")) }
        let undoSteps = log.take()

        if engine.driver.dialect.supportsTransactionalDDL {
            // The fresh database's bookkeeping tables in one transaction; then 1 and 2 in a
            // chain, 3 on its own (its record in a transaction of its own), 4 and 5 in a chain.
            let chains = ["begin", "record, commit and begin", "record, commit", "begin, record, commit", "begin", "record, commit and begin", "record, commit"]
            #expect(migrateSteps == ["begin", "commit"] + chains)
            #expect(undoSteps == chains)
        } else {
            // No transactional DDL: each migration's record is a transaction of its own, and nothing chains.
            #expect(migrateSteps == Array(repeating: "begin, record, commit", count: 5))
            #expect(undoSteps == migrateSteps)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aFailureInAChainedTransactionRollsBackOnlyThatMigration(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "first", up: "CREATE TABLE first_table (id INTEGER);\nINSERT INTO first_table (id) VALUES (1);")
        try db.write("20250101000002", "second", up: "CREATE TABLE second_table (id INTEGER);\nINSERT INTO second_table (id) VALUES (1);")
        try db.write("20250101000003", "broken", up: "INSERT INTO first_table (id) VALUES (2);\nINSERT INTO no_such_table (id) VALUES (1);")
        try db.write("20250101000004", "after", up: "CREATE TABLE after_table (id INTEGER);")

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("20250101000003-broken failed") == true, "\(error?.message ?? "")")
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002"])
        #expect(try await db.query("SELECT id FROM second_table").count == 1)
        #expect(try await !db.hasTable("after_table"))
        let firstRows = try await db.query("SELECT id FROM first_table ORDER BY id").compactMap { $0["id"].integer }
        if engine.driver.dialect.supportsTransactionalDDL {
            // The broken migration's insert went with its transaction; the two before it stayed committed.
            #expect(firstRows == [1])
        } else {
            #expect(firstRows == [1, 2])
        }
        // The history says what happened, and the next run carries on from it.
        try db.write("20250101000003", "broken", up: "INSERT INTO first_table (id) VALUES (3);")
        if !engine.driver.dialect.supportsTransactionalDDL {
            try await db.migrator().resolve(MigrationReference("20250101000003")!, as: .rolledBack)
        }
        #expect(try await db.migrator().migrate().map(\.id.name) == ["broken", "after"])
        #expect(try await db.hasTable("after_table"))
    }
}

/// The transaction verbs a run asked of its connection, in order, one entry per migration
/// record: "begin", "record, commit", "record, commit and begin", "begin, record, commit".
final class TransactionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func append(_ entry: String) { lock.withLock { entries.append(entry) } }

    /// The entries so far; the log starts again empty.
    func take() -> [String] {
        lock.withLock {
            defer { entries = [] }
            return entries
        }
    }
}

/// A real connection that writes down the transaction verbs asked of it, and passes every
/// call on unchanged.
final class TransactionLoggingConnection: DatabaseConnection {
    let base: any DatabaseConnection
    let log: TransactionLog

    init(_ base: any DatabaseConnection, log: TransactionLog) {
        self.base = base
        self.log = log
    }

    var dialect: any SQLDialect { base.dialect }
    var preferredTaskExecutor: (any TaskExecutor)? { base.preferredTaskExecutor }
    var databaseExists: Bool { base.databaseExists }

    func execute(_ sql: String) async throws { try await base.execute(sql) }
    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] { try await base.query(sql, binds) }
    func executeAll(_ statements: [SQLStatement]) async throws { try await base.executeAll(statements) }

    func executeAllAndCommit(_ statements: [SQLStatement], startingTransaction: Bool, beginningNext: Bool) async throws {
        log.append((startingTransaction ? "begin, " : "") + "record, commit" + (beginningNext ? " and begin" : ""))
        try await base.executeAllAndCommit(statements, startingTransaction: startingTransaction, beginningNext: beginningNext)
    }

    func beginTransaction() async throws { try await logged("begin") { try await base.beginTransaction() } }
    func commitTransaction() async throws { try await logged("commit") { try await base.commitTransaction() } }
    func commitAndBeginTransaction() async throws { try await logged("commit and begin") { try await base.commitAndBeginTransaction() } }
    func rollbackTransaction() async throws { try await logged("rollback") { try await base.rollbackTransaction() } }
    func beginTransactionDeferringForeignKeys() async throws {
        try await logged("begin deferring foreign keys") { try await base.beginTransactionDeferringForeignKeys() }
    }

    /// Writes `entry` down, then passes the call on.
    private func logged(_ entry: String, _ call: () async throws -> Void) async throws {
        log.append(entry)
        try await call()
    }

    func tableExists(_ name: String) async throws -> Bool { try await base.tableExists(name) }
    func existingTables(_ names: [String]) async throws -> Set<String> { try await base.existingTables(names) }
    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition {
        try await base.acquireMigrationLock(key: key, timeout: timeout)
    }
    func releaseMigrationLock(key: String) async throws { try await base.releaseMigrationLock(key: key) }
    func prepareForChanges() async throws { try await base.prepareForChanges() }
    func close() async { await base.close() }
}
