import Foundation
import Logging

/// Runs migrations against one database: `status`, `migrate`, `undo`, `redo`.
///
/// Every run that changes the database first takes the database-wide migration lock,
/// then reads the history, then plans, so concurrent runs (several replicas deploying at
/// once) apply each migration exactly once: the others wait, then find nothing to do.
/// Each migration and its history row commit in one transaction unless its section is
/// marked `transaction:false`.
public struct Migrator: Sendable {
    /// Opens a connection to the database for a purpose.
    public typealias Connector = @Sendable (ConnectionPurpose) async throws -> any DatabaseConnection
    /// Receives progress while a run goes on.
    public typealias ProgressHandler = @Sendable (MigrationEvent) -> Void

    /// The migrations known to this run, from every source.
    public var migrations: [LoadedMigration]
    /// Opens the connection a run uses.
    public var connect: Connector
    /// The history table's name.
    public var historyTableName: String
    /// How long to wait for another run's lock before giving up (exit status 4).
    public var lockTimeout: Duration
    /// Where the run logs (label `strata.migration`).
    public var logger: Logger
    /// Whether each statement is logged at `info` level (`logging: true`), rather than `debug`.
    public var logStatements: Bool
    /// The name of the database-wide lock a changing run takes. Seeders share the
    /// migrations' lock, so seeding never overlaps a migration.
    public var lockKey: String
    /// The words used in messages: migrations or seeders.
    public var vocabulary: RunVocabulary
    /// The environment's name, e.g. `production`, given to spans and metrics
    /// (``MigrationTelemetry``); `nil` leaves it out.
    public var environment: String?

    /// The spans, metrics and log metadata of this migrator's runs.
    public var telemetry: MigrationTelemetry { MigrationTelemetry(environment: environment, kind: vocabulary.noun) }

    /// Creates a migrator.
    public init(
        migrations: [LoadedMigration],
        connect: @escaping Connector,
        historyTableName: String = "strata_migrations",
        lockTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "strata.migration"),
        logStatements: Bool = false,
        lockKey: String = "strata:strata_migrations",
        vocabulary: RunVocabulary = .migrations,
        environment: String? = nil
    ) {
        self.migrations = migrations
        self.connect = connect
        self.historyTableName = historyTableName
        self.lockTimeout = lockTimeout
        self.logger = logger
        self.logStatements = logStatements
        self.lockKey = lockKey
        self.vocabulary = vocabulary
        self.environment = environment
    }

    /// A migrator for seeders: the same engine over the seeders, with their own history
    /// table (`strata_seeds`), sharing the migrations' lock.
    public func seeding(_ seeders: [LoadedMigration]) -> Migrator {
        var copy = self
        copy.migrations = seeders
        copy.historyTableName = "strata_seeds"
        copy.vocabulary = .seeders
        return copy
    }

    /// What `migrate` may do.
    public struct MigrateOptions: Sendable, Hashable {
        /// Apply pending migrations up to and including this one.
        public var target: MigrationReference?
        /// Apply at most this many.
        public var step: Int?
        /// Proceed although an applied migration's file changed.
        public var allowChanged: Bool
        /// Proceed although an applied migration's file is gone.
        public var allowMissing: Bool
        /// Continue a dirty migration after its last completed statement.
        public var resume: Bool
        /// With ``resume``: continue at this statement (1-based) instead.
        public var resumeFromStatement: Int?
        /// Whether each migration commits on its own (the default) or the whole run in one transaction.
        public var transactions: TransactionMode

        /// Creates options; by default every pending migration, each in its own transaction,
        /// refusing changed, missing or dirty ones.
        public init(
            target: MigrationReference? = nil, step: Int? = nil, allowChanged: Bool = false, allowMissing: Bool = false, resume: Bool = false,
            resumeFromStatement: Int? = nil, transactions: TransactionMode = .perMigration
        ) {
            self.target = target
            self.step = step
            self.allowChanged = allowChanged
            self.allowMissing = allowMissing
            self.resume = resume
            self.resumeFromStatement = resumeFromStatement
            self.transactions = transactions
        }
    }

    /// Every migration with its state. Reads only: takes no lock and creates nothing.
    public func status() async throws -> [MigrationStatusEntry] {
        try await withConnection(for: .read) { connection in
            let existing = try await existingTables(bookkeepingTables, on: connection)
            let status = planner(try await records(connection, existing: existing, askingLockHolder: true)).status()
            telemetry.pending(status.pendingCount)
            return status
        }
    }

    /// The status of these migrations and of `seeders` (whose migrator works on the same
    /// database), read over one connection: `strata status` pays for connecting — and on
    /// SQLite for reading the schema — once.
    public func status(withSeeders seeders: Migrator) async throws -> CombinedStatus {
        status(withSeeders: seeders, records: try await records(withSeeders: seeders))
    }

    /// What the database records for these migrations and for `seeders` — their history and
    /// their dirty migrations — read over one connection. Reads only: takes no lock and
    /// creates nothing. The records do not depend on the migrations, so a caller may read
    /// them while the migration files still load, then pass them to
    /// ``status(withSeeders:records:)``.
    public func records(withSeeders seeders: Migrator) async throws -> (migrations: MigrationRecords, seeders: MigrationRecords) {
        try await withConnection(for: .read) { connection in
            let existing = try await existingTables(bookkeepingTables + seeders.bookkeepingTables, on: connection)
            return (
                try await records(connection, existing: existing, askingLockHolder: true),
                try await seeders.records(connection, existing: existing, askingLockHolder: true)
            )
        }
    }

    /// The status of these migrations and of `seeders` against records read by
    /// ``records(withSeeders:)``.
    public func status(withSeeders seeders: Migrator, records: (migrations: MigrationRecords, seeders: MigrationRecords)) -> CombinedStatus {
        let status = CombinedStatus(migrations: planner(records.migrations).status(), seeders: seeders.planner(records.seeders).status())
        telemetry.pending(status.migrations.pendingCount)
        seeders.telemetry.pending(status.seeders.pendingCount)
        return status
    }

    /// The status of the migrations and of the seeders of one database.
    public struct CombinedStatus: Sendable {
        /// Every migration with its state.
        public var migrations: [MigrationStatusEntry]
        /// Every seeder with its state.
        public var seeders: [MigrationStatusEntry]
    }

    /// The migrations `migrate` would apply now, without applying them (`--dry-run`).
    public func pendingPlan(_ options: MigrateOptions = MigrateOptions()) async throws -> [LoadedMigration] {
        try await withConnectionForDryRun { connection in
            let plan = try await planner(connection).migrationsToApply(
                target: options.target, step: options.step,
                allowChanged: options.allowChanged, allowMissing: options.allowMissing, resume: options.resume
            )
            // Refused as the run itself would refuse: when there is something to apply.
            if !plan.isEmpty { _ = try atomicBatch(plan.map { ($0, .up) }, mode: options.transactions, on: connection) }
            return plan
        }
    }

    /// The migrations `undo` would revert now, newest first, without reverting them.
    public func undoPlan(
        _ target: MigrationPlanner.UndoTarget, allowChanged: Bool = false, resume: Bool = false, allowBaseline: Bool = false
    ) async throws -> [LoadedMigration] {
        try await withConnectionForDryRun { connection in
            try await planner(connection).migrationsToUndo(target, allowChanged: allowChanged, resume: resume, allowBaseline: allowBaseline)
        }
    }

    /// Applies pending migrations in version order; stops at the first failure.
    ///
    /// `beforeApplying` runs under the lock once the plan is known and not empty, before
    /// anything is created — the place for a backup: if it throws, nothing is applied.
    @discardableResult
    public func migrate(
        _ options: MigrateOptions = MigrateOptions(),
        beforeApplying: (@Sendable ([LoadedMigration]) async throws -> Void)? = nil,
        progress: @escaping ProgressHandler = { _ in }
    ) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress, plan: { planner, connection -> MigratePlan? in
            let plan = try planner.migrationsToApply(
                target: options.target, step: options.step,
                allowChanged: options.allowChanged, allowMissing: options.allowMissing, resume: options.resume
            )
            try resumePoint(options.resumeFromStatement, resume: options.resume, direction: .up, plan: plan, planner: planner)
            try checkRunnable(plan.map { ($0, .up) }, on: connection)
            guard !plan.isEmpty else { return nil }
            return MigratePlan(migrations: plan, atomic: try atomicBatch(plan.map { ($0, .up) }, mode: options.transactions, on: connection))
        }, beforeChanges: { (plan: MigratePlan) in try await beforeApplying?(plan.migrations) }) { session, plan, planner -> [CompletedMigration] in
            let steps = plan.migrations.map { (migration: $0, direction: MigrationDirection.up) }
            if plan.atomic { return try await session.runAtomically(steps) }
            return try await session.run(steps, dirty: planner.progress, resumingAt: options.resumeFromStatement.map { $0 - 1 })
        } ?? []
    }

    /// What `migrate` applies, and whether in one transaction.
    private struct MigratePlan: Sendable {
        let migrations: [LoadedMigration]
        let atomic: Bool
    }

    /// Whether `plan` runs in one transaction, as `mode` asks: ``TransactionMode/atomic``
    /// refuses, naming why, when the database's DDL commits by itself or a step must run
    /// outside a transaction; ``TransactionMode/atomicWherePossible`` then runs each in its own.
    func atomicBatch(
        _ plan: [(migration: LoadedMigration, direction: MigrationDirection)], mode: TransactionMode, on connection: any DatabaseConnection
    ) throws -> Bool {
        guard mode != .perMigration else { return false }
        let dialect = connection.dialect
        let required = mode == .atomic
        guard dialect.supportsTransactionalDDL else {
            guard required else { return false }
            throw StrataError.configuration(
                "--atomic runs every pending \(vocabulary.noun) in one transaction, but \(dialect.name) commits each DDL statement by itself: "
                    + "the \(vocabulary.noun)s could not roll back together. Nothing was changed.",
                hint: "Run the command without --atomic: each \(vocabulary.noun) then commits on its own, and one that stops half-way is tracked statement by statement."
            )
        }
        if let outside = plan.first(where: { $0.migration.body($0.direction)?.runsInTransaction == false }) {
            guard required else { return false }
            throw StrataError.configuration(
                "--atomic runs every pending \(vocabulary.noun) in one transaction, but \(vocabulary.noun) \(outside.migration.id) (\(outside.migration.source)) "
                    + "is marked transaction:false and must run outside one. Nothing was changed.",
                hint: "Run the \(vocabulary.noun)s before it with `--atomic --to VERSION`, then the rest without --atomic."
            )
        }
        return true
    }

    /// Whether a run's migrations commit one by one or all together.
    public enum TransactionMode: Sendable, Hashable {
        /// Each migration commits with its history row on its own (the default): a failure
        /// keeps the migrations before it.
        case perMigration
        /// Every migration of the run and its history row in one transaction — all or
        /// nothing (`migrate --atomic`). Refused where the database's DDL commits by itself
        /// and when a migration is marked `transaction:false`.
        case atomic
        /// ``atomic`` where the database and the migrations allow it, else ``perMigration``:
        /// how `db reset` builds a fresh database.
        case atomicWherePossible
    }

    /// Reverts applied migrations, newest first; stops at the first failure.
    ///
    /// `resumeFromStatement` (1-based), with `resume`, continues the dirty undo at that
    /// statement instead of after its last completed one. `allowBaseline` reverts baselined
    /// migrations too.
    @discardableResult
    public func undo(
        _ target: MigrationPlanner.UndoTarget = .last(1), allowChanged: Bool = false, resume: Bool = false,
        resumeFromStatement: Int? = nil, allowBaseline: Bool = false, progress: @escaping ProgressHandler = { _ in }
    ) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress, plan: { planner, connection in
            let plan = try planner.migrationsToUndo(target, allowChanged: allowChanged, resume: resume, allowBaseline: allowBaseline)
            try resumePoint(resumeFromStatement, resume: resume, direction: .down, plan: plan, planner: planner)
            try checkRunnable(plan.map { ($0, .down) }, on: connection)
            return plan.isEmpty ? nil : plan
        }) { session, plan, planner in
            try await session.run(plan.map { ($0, .down) }, dirty: planner.progress, resumingAt: resumeFromStatement.map { $0 - 1 })
        } ?? []
    }

    /// Throws when a statement of `plan`, run in `direction`, cannot run faithfully over
    /// `connection` (``DatabaseConnection/checkStatementRunnable(_:inTransaction:)``): asked
    /// when the plan is made, so a refusal changes nothing. A Swift migration's statements
    /// are known only as it runs, and are asked then.
    func checkRunnable(_ plan: [(migration: LoadedMigration, direction: MigrationDirection)], on connection: any DatabaseConnection) throws {
        for step in plan {
            guard let body = step.migration.body(step.direction) else { continue }
            let atomic = body.runsInTransaction && connection.dialect.supportsTransactionalDDL
            for statement in body.statements {
                try Self.checkRunnable(statement, of: step.migration, atomic: atomic, on: connection, vocabulary: vocabulary)
            }
        }
    }

    /// Throws when `statement` of `migration` cannot run over `connection`, naming the
    /// migration and the statement's line.
    static func checkRunnable(
        _ statement: SQLStatement, of migration: LoadedMigration, atomic: Bool, on connection: any DatabaseConnection, vocabulary: RunVocabulary
    ) throws {
        do {
            try connection.checkStatementRunnable(statement, inTransaction: atomic)
        } catch let error as StrataError {
            throw StrataError(
                error.code, "\(vocabulary.capitalizedNoun) \(migration.id), line \(statement.line): \(error.message)",
                hint: (error.hint.map { "\($0) " } ?? "") + "Nothing was run."
            )
        }
    }

    /// Checks `--from-statement`: it needs `--resume`, a dirty migration in `plan` to resume
    /// in `direction`, and a statement that migration has.
    private func resumePoint(
        _ statement: Int?, resume: Bool, direction: MigrationDirection, plan: [LoadedMigration], planner: MigrationPlanner
    ) throws {
        guard let statement else { return }
        let command = vocabulary.command(direction)
        guard resume else {
            throw StrataError.configuration("--from-statement continues a dirty \(vocabulary.noun): it needs --resume.",
                                            hint: "Run `\(command) --resume --from-statement \(statement)`.")
        }
        let versions = Set(plan.map(\.id.version))
        guard let dirty = planner.progress.first(where: { $0.direction == direction && versions.contains($0.version) }) else {
            throw StrataError.configuration("--from-statement \(statement): no dirty \(vocabulary.noun) is there to resume with `\(command)`.",
                                            hint: "`strata status` lists dirty \(vocabulary.noun)s. Nothing was changed.")
        }
        guard statement >= 1, dirty.statementsTotal == 0 || statement <= dirty.statementsTotal else {
            throw StrataError.configuration(
                "--from-statement \(statement): \(vocabulary.noun) \(dirty.id) has \(dirty.statementsTotal) statements.",
                hint: "Give a statement from 1 to \(dirty.statementsTotal). Nothing was changed."
            )
        }
    }

    /// Reverts the last `step` applied migrations and applies them again, under one lock:
    /// the check that a migration's `down` really undoes its `up`.
    @discardableResult
    public func redo(
        step: Int = 1, allowChanged: Bool = false, allowBaseline: Bool = false, progress: @escaping ProgressHandler = { _ in }
    ) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress, plan: { planner, connection in
            let plan = try planner.migrationsToUndo(.last(step), allowChanged: allowChanged, allowBaseline: allowBaseline)
            try checkRunnable(plan.map { ($0, .down) } + plan.map { ($0, .up) }, on: connection)
            return plan.isEmpty ? nil : plan
        }) { session, plan, _ in
            try await session.run(plan.map { ($0, .down) } + plan.reversed().map { ($0, .up) })
        } ?? []
    }

    /// How a dirty migration was settled by hand (`strata resolve`).
    public enum Resolution: String, Sendable {
        /// Its partial changes were reverted: the database is as before it started.
        case rolledBack = "rolled-back"
        /// Its remaining statements were completed: the database is as after it.
        case applied
    }

    /// Settles a dirty migration after a person repaired the database by hand: records it
    /// as not run (`rolledBack`) or as completed (`applied`), in the direction it was running.
    /// - Throws: ``StrataError`` (configuration) if no migration has the version, the name
    ///   given is not the migration's, or the migration is not dirty.
    @discardableResult
    public func resolve(_ reference: MigrationReference, as resolution: Resolution) async throws -> MigrationProgress {
        let settled = try await withLockedSession(progress: { _ in }, plan: { planner, _ in
            try planner.requireKnown(reference, in: planner.status())
            guard let dirty = planner.progress.first(where: { $0.version == reference.version }) else {
                throw StrataError.configuration(
                    "\(vocabulary.capitalizedNoun) \(reference) is not dirty; there is nothing to resolve.",
                    hint: "`strata resolve` settles a \(vocabulary.noun) that stopped half-way; `strata status` lists them. Nothing was changed."
                )
            }
            return dirty
        }) { session, dirty, _ in
            try await session.settle(dirty, as: resolution)
            return dirty
        }
        // The plan is never empty: it is the dirty migration, or an error.
        guard let settled else { throw StrataError.failure("No dirty \(vocabulary.noun) \(reference) was found to resolve.") }
        return settled
    }

    // MARK: - Connection, lock and session

    /// The planner over what `connection`'s database records; reads only.
    func planner(_ connection: any DatabaseConnection) async throws -> MigrationPlanner {
        planner(try await records(connection, existing: try await existingTables(bookkeepingTables, on: connection)))
    }

    /// Which of the bookkeeping tables `names` exist, asked in one go.
    private func existingTables(_ names: [String], on connection: any DatabaseConnection) async throws -> Set<String> {
        do {
            return try await connection.existingTables(names)
        } catch let error as DatabaseError {
            throw StrataError.failure(
                "Cannot look for the history table \(historyTableName): \(error)",
                hint: HistoryTable.unreadableHint,
                underlying: error
            )
        }
    }

    private func planner(_ records: MigrationRecords) -> MigrationPlanner {
        MigrationPlanner(
            migrations: migrations, history: records.history, progress: records.progress, vocabulary: vocabulary, lockHolder: records.lockHolder
        )
    }

    /// The history and progress tables of these migrations: what a read asks the database
    /// about, all at once, before reading them.
    private var bookkeepingTables: [String] { [historyTableName, ProgressTable.name(for: historyTableName)] }

    /// The records of these migrations, given which tables of the database `existing` are.
    /// `askingLockHolder` (for `status`): when progress rows exist, also who holds the lock —
    /// a run that holds it is running them. A run never asks: it decides under the lock.
    private func records(_ connection: any DatabaseConnection, existing: Set<String>, askingLockHolder: Bool = false) async throws -> MigrationRecords {
        let history = HistoryTable(name: historyTableName, connection: connection)
        let progress = ProgressTable(historyTable: historyTableName, connection: connection)
        var records = MigrationRecords(
            history: existing.contains(history.name) ? try await history.records() : [],
            progress: existing.contains(progress.name) ? try await progress.records() : []
        )
        if askingLockHolder, !records.progress.isEmpty {
            records.lockHolder = try await connection.migrationLockHolder(key: lockKey)
        }
        return records
    }

    func withConnection<T: Sendable>(for purpose: ConnectionPurpose, _ body: (any DatabaseConnection) async throws -> T) async throws -> T {
        let connection = try await connect(purpose)
        return try await connection.closeAfter {
            try await withTaskExecutorPreference(connection.preferredTaskExecutor) {
                try await body(connection)
            }
        }
    }

    /// A connection that reads, for the dry run of a changing command: on a server that takes
    /// no changes (``DatabaseConnection/checkServerAcceptsChanges()``) the dry run refuses as
    /// the command itself would.
    func withConnectionForDryRun<T: Sendable>(_ body: (any DatabaseConnection) async throws -> T) async throws -> T {
        try await withConnection(for: .read) { connection in
            try await connection.checkServerAcceptsChanges()
            return try await body(connection)
        }
    }

    /// The prelude every changing command shares: check, lock, check again, create, run.
    ///
    /// A command that refuses or has nothing to do creates nothing — no database file, no
    /// schema, no bookkeeping table. So `plan` (`nil`: nothing to do; throws: refused; it may
    /// read the database over the connection it is given) is first asked over a connection
    /// opened for reading, which creates nothing. When it finds
    /// nothing to do, the run ends there, without the lock; when it refuses, too, unless
    /// another run may be changing what it saw (progress rows exist). Otherwise the run takes
    /// the lock and asks `plan` again, for the answer that counts: the state is read, the plan
    /// made, and only then are the database prepared, `beforeChanges` run and the history and
    /// progress tables created, before `body` runs with the plan.
    ///
    /// - Returns: `body`'s result, or `nil` when there was nothing to do.
    func withLockedSession<Plan: Sendable, T: Sendable>(
        progress: @escaping ProgressHandler,
        plan: (MigrationPlanner, any DatabaseConnection) async throws -> Plan?,
        beforeChanges: (@Sendable (Plan) async throws -> Void)? = nil,
        _ body: (RunSession, Plan, MigrationPlanner) async throws -> T
    ) async throws -> T? {
        let reader = try await connect(.read)
        let readerIsReusable = reader.databaseExists
        do {
            try await withTaskExecutorPreference(reader.preferredTaskExecutor) { try await reader.checkServerAcceptsChanges() }
        } catch {
            await reader.close()
            throw error
        }
        do {
            let firstPlan = try await withTaskExecutorPreference(reader.preferredTaskExecutor) { () async throws(CheckFailure) -> Plan? in
                let planner: MigrationPlanner
                do { planner = try await self.planner(reader) } catch { throw CheckFailure(error: error, mayBeTransient: false) }
                do { return try await plan(planner, reader) } catch { throw CheckFailure(error: error, mayBeTransient: !planner.progress.isEmpty) }
            }
            guard firstPlan != nil else {
                await reader.close()
                return nil
            }
        } catch let failure {
            // A refusal stands unless another run may be changing what it saw: one whose
            // progress rows say it is running (or that stopped half-way) in a database that
            // exists. Then the plan made under the lock decides.
            guard readerIsReusable, failure.mayBeTransient else {
                await reader.close()
                throw failure.error
            }
        }
        let connection: any DatabaseConnection
        if readerIsReusable {
            connection = reader
        } else {
            await reader.close()
            connection = try await connect(.change)
        }
        return try await connection.closeAfter {
            try await withTaskExecutorPreference(connection.preferredTaskExecutor) {
                try await locked(connection, progress: progress) {
                    let planner = try await planner(connection)
                    guard let chosen = try await plan(planner, connection) else { return nil }
                    if let beforeChanges { try await beforeChanges(chosen) }
                    let session = try await prepareSession(connection, progress: progress)
                    return try await body(session, chosen, planner)
                }
            }
        }
    }

    /// Why the check before the lock failed, and whether another run may be the cause.
    private struct CheckFailure: Error {
        let error: any Error
        let mayBeTransient: Bool
    }

    /// Runs `body` holding the migration lock, waiting for it at most ``lockTimeout``.
    private func locked<T: Sendable>(_ connection: any DatabaseConnection, progress: ProgressHandler, _ body: () async throws -> T) async throws -> T {
        let key = lockKey
        var acquisition = try await connection.acquireMigrationLock(key: key, timeout: .zero)
        if case .timedOut = acquisition {
            progress(.waitingForLock)
            logger.info("Waiting for the migration lock held by another run", metadata: ["timeout": "\(lockTimeout)"])
            acquisition = try await connection.acquireMigrationLock(key: key, timeout: lockTimeout)
        }
        if case .timedOut(let holder) = acquisition {
            throw StrataError(
                .lockTimeout,
                "Timed out after \(lockTimeout) waiting for the migration lock\(holder.map { ", held by \($0)" } ?? "").",
                hint: "Another strata run is migrating this database. Wait for it to finish, or raise --lock-timeout. Nothing was changed."
            )
        }
        do {
            let result = try await body()
            try? await connection.releaseMigrationLock(key: key)
            return result
        } catch {
            try? await connection.releaseMigrationLock(key: key)
            throw error
        }
    }

    /// Makes the database ready for a run that changes it — its place prepared, the history
    /// and progress tables created — and returns the session that runs it.
    private func prepareSession(_ connection: any DatabaseConnection, progress: @escaping ProgressHandler) async throws -> RunSession {
        do {
            try await connection.prepareForChanges()
        } catch let error as DatabaseError {
            throw StrataError.failure("Cannot prepare the database for migrating: \(error)", underlying: error)
        }
        let history = HistoryTable(name: historyTableName, connection: connection)
        let progressTable = ProgressTable(historyTable: historyTableName, connection: connection)
        // Created only when missing: on a cluster, even `CREATE TABLE IF NOT EXISTS` of a
        // table that exists is DDL, replicated in total order, that aborts other nodes'
        // transactions on it.
        let existing = try await existingTables(bookkeepingTables, on: connection)
        try await createMissing(
            history: existing.contains(history.name) ? nil : history,
            progress: existing.contains(progressTable.name) ? nil : progressTable,
            on: connection
        )
        return RunSession(migrator: self, connection: connection, history: history, progress: progressTable, report: progress)
    }

    /// Creates the bookkeeping tables that are missing. Where the database's DDL is
    /// transactional and both are missing (a fresh database), they are created in one
    /// transaction: the first run pays for one commit, not two (five disk syncs fewer on
    /// SQLite), and a failure creating the second leaves neither behind.
    private func createMissing(history: HistoryTable?, progress: ProgressTable?, on connection: any DatabaseConnection) async throws {
        let together = history != nil && progress != nil && connection.dialect.supportsTransactionalDDL
        do {
            if together { try await connection.beginTransaction() }
            if let history { try await history.create() }
            if let progress {
                do {
                    try await progress.create()
                } catch let error as DatabaseError {
                    throw StrataError.failure("Cannot create the progress table \(progress.name): \(error)", underlying: error)
                }
            }
            if together { try await connection.commitTransaction() }
        } catch {
            if together { try? await connection.rollbackTransaction() }
            // The tables' own errors are explained already; what is left is the transaction's.
            guard let error = error as? DatabaseError else { throw error }
            throw StrataError.failure(
                "Cannot create the history and progress tables \(bookkeepingTables.joined(separator: ", ")) in one transaction: \(error)",
                hint: "Nothing was created and no migration was run. Fix what the database reported (another program holding "
                    + "its write lock, a lost connection), then run the command again.",
                underlying: error
            )
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
