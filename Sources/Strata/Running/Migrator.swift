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
    /// Opens a connection to the database.
    public typealias Connector = @Sendable () async throws -> any DatabaseConnection
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

    /// Creates a migrator.
    public init(
        migrations: [LoadedMigration],
        connect: @escaping Connector,
        historyTableName: String = "strata_migrations",
        lockTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "strata.migration"),
        logStatements: Bool = false
    ) {
        self.migrations = migrations
        self.connect = connect
        self.historyTableName = historyTableName
        self.lockTimeout = lockTimeout
        self.logger = logger
        self.logStatements = logStatements
    }

    /// What `migrate` may do.
    public struct MigrateOptions: Sendable, Hashable {
        /// Apply pending migrations up to and including this version.
        public var target: MigrationVersion?
        /// Apply at most this many.
        public var step: Int?
        /// Proceed although an applied migration's file changed.
        public var allowChanged: Bool
        /// Proceed although an applied migration's file is gone.
        public var allowMissing: Bool

        /// Creates options; by default every pending migration, refusing changed or missing ones.
        public init(target: MigrationVersion? = nil, step: Int? = nil, allowChanged: Bool = false, allowMissing: Bool = false) {
            self.target = target
            self.step = step
            self.allowChanged = allowChanged
            self.allowMissing = allowMissing
        }
    }

    /// Every migration with its state. Reads only: takes no lock and creates nothing.
    public func status() async throws -> [MigrationStatusEntry] {
        try await withConnection { connection in
            try await planner(connection).status()
        }
    }

    /// The migrations `migrate` would apply now, without applying them (`--dry-run`).
    public func pendingPlan(_ options: MigrateOptions = MigrateOptions()) async throws -> [LoadedMigration] {
        try await withConnection { connection in
            try await planner(connection).migrationsToApply(
                target: options.target, step: options.step,
                allowChanged: options.allowChanged, allowMissing: options.allowMissing
            )
        }
    }

    /// The migrations `undo` would revert now, newest first, without reverting them.
    public func undoPlan(_ target: MigrationPlanner.UndoTarget, allowChanged: Bool = false) async throws -> [LoadedMigration] {
        try await withConnection { connection in
            try await planner(connection).migrationsToUndo(target, allowChanged: allowChanged)
        }
    }

    /// Applies pending migrations in version order; stops at the first failure.
    public func migrate(_ options: MigrateOptions = MigrateOptions(), progress: @escaping ProgressHandler = { _ in }) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress) { session in
            let plan = try await session.planner().migrationsToApply(
                target: options.target, step: options.step,
                allowChanged: options.allowChanged, allowMissing: options.allowMissing
            )
            var completed: [CompletedMigration] = []
            for migration in plan {
                completed.append(try await session.run(migration, .up))
            }
            return completed
        }
    }

    /// Reverts applied migrations, newest first; stops at the first failure.
    public func undo(_ target: MigrationPlanner.UndoTarget = .last(1), allowChanged: Bool = false, progress: @escaping ProgressHandler = { _ in }) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress) { session in
            let plan = try await session.planner().migrationsToUndo(target, allowChanged: allowChanged)
            var completed: [CompletedMigration] = []
            for migration in plan {
                completed.append(try await session.run(migration, .down))
            }
            return completed
        }
    }

    /// Reverts the last `step` applied migrations and applies them again, under one lock:
    /// the check that a migration's `down` really undoes its `up`.
    public func redo(step: Int = 1, allowChanged: Bool = false, progress: @escaping ProgressHandler = { _ in }) async throws -> [CompletedMigration] {
        try await withLockedSession(progress: progress) { session in
            let plan = try await session.planner().migrationsToUndo(.last(step), allowChanged: allowChanged)
            var completed: [CompletedMigration] = []
            for migration in plan {
                completed.append(try await session.run(migration, .down))
            }
            for migration in plan.reversed() {
                completed.append(try await session.run(migration, .up))
            }
            return completed
        }
    }

    // MARK: - Connection, lock and session

    private func planner(_ connection: any DatabaseConnection) async throws -> MigrationPlanner {
        let history = try await HistoryTable(name: historyTableName, connection: connection).records()
        return MigrationPlanner(migrations: migrations, history: history)
    }

    private func withConnection<T: Sendable>(_ body: (any DatabaseConnection) async throws -> T) async throws -> T {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Connect, lock, make sure the history table exists, run `body`, unlock: the prelude
    /// every changing command shares.
    private func withLockedSession<T: Sendable>(progress: @escaping ProgressHandler, _ body: (RunSession) async throws -> T) async throws -> T {
        try await withConnection { connection in
            let key = "strata:\(historyTableName)"
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
                do {
                    try await connection.prepareForChanges()
                } catch let error as DatabaseError {
                    throw StrataError.failure("Cannot prepare the database for migrating: \(error)", underlying: error)
                }
                let history = HistoryTable(name: historyTableName, connection: connection)
                try await history.create()
                let session = RunSession(migrator: self, connection: connection, history: history, progress: progress)
                let result = try await body(session)
                try? await connection.releaseMigrationLock(key: key)
                return result
            } catch {
                try? await connection.releaseMigrationLock(key: key)
                throw error
            }
        }
    }
}

/// One locked run: applies or reverts single migrations with their history rows.
struct RunSession {
    let migrator: Migrator
    let connection: any DatabaseConnection
    let history: HistoryTable
    let progress: Migrator.ProgressHandler

    var logger: Logger { migrator.logger }

    func planner() async throws -> MigrationPlanner {
        MigrationPlanner(migrations: migrator.migrations, history: try await history.records())
    }

    /// Runs one migration's up or down section and records it, in one transaction unless the
    /// section opts out.
    func run(_ migration: LoadedMigration, _ direction: MigrationDirection) async throws -> CompletedMigration {
        guard let body = direction == .up ? migration.up : migration.down else {
            throw StrataError(.refused, "Migration \(migration.id) has no `-- migrate:down` section and cannot be undone.")
        }
        var logger = self.logger
        logger[metadataKey: "migration"] = "\(migration.id)"
        logger[metadataKey: "direction"] = "\(direction.rawValue)"
        progress(.started(migration.id, direction))
        logger.info("Starting migration")

        let clock = ContinuousClock()
        let start = clock.now
        var current: SQLStatement?
        var completedStatements = 0
        do {
            if body.runsInTransaction { try await connection.beginTransaction() }
            for statement in body.statements {
                current = statement
                if let guardQuery = statement.skipIf, try await !connection.query(guardQuery, []).isEmpty {
                    logger.info("Skipping statement: its strata:skip-if query returned a row", metadata: ["line": "\(statement.line)"])
                    progress(.statementSkipped(migration.id, statement))
                    continue
                }
                logger.log(level: migrator.logStatements ? .info : .debug, "\(statement.text)", metadata: ["line": "\(statement.line)"])
                try await connection.execute(statement.text)
                completedStatements += 1
            }
            current = nil
            let duration = clock.now - start
            switch direction {
            case .up:
                let record = HistoryRecord(
                    version: migration.id.version, name: migration.id.name, checksum: migration.checksum,
                    appliedAt: Date(), executionMilliseconds: duration.milliseconds
                )
                try await history.insert(record)
            case .down:
                try await history.delete(migration.id.version)
            }
            if body.runsInTransaction { try await connection.commitTransaction() }
            progress(.finished(migration.id, direction, duration))
            logger.info("Finished migration", metadata: ["ms": "\(duration.milliseconds)"])
            return CompletedMigration(id: migration.id, direction: direction, duration: duration)
        } catch {
            if body.runsInTransaction { try? await connection.rollbackTransaction() }
            let failure = MigrationFailure.error(
                error, migration: migration, direction: direction, statement: current,
                statementsCompleted: completedStatements, body: body, dialect: connection.dialect
            )
            // Thrown, not logged: the caller reports it once.
            throw failure
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
