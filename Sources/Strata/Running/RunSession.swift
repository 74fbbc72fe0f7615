import Foundation
import Logging
import Tracing

/// One locked run: applies or reverts single migrations with their history rows.
struct RunSession {
    let migrator: Migrator
    let connection: any DatabaseConnection
    let history: HistoryTable
    let progress: ProgressTable
    let report: Migrator.ProgressHandler

    /// The tracer of the run's spans, looked up as the run starts (``MigrationTelemetry/activeTracer()``).
    let tracer: (any Tracer)?

    init(
        migrator: Migrator, connection: any DatabaseConnection, history: HistoryTable, progress: ProgressTable,
        report: @escaping Migrator.ProgressHandler
    ) {
        self.migrator = migrator
        self.connection = connection
        self.history = history
        self.progress = progress
        self.report = report
        tracer = MigrationTelemetry.activeTracer()
    }

    var logger: Logger { migrator.logger }
    var telemetry: MigrationTelemetry { migrator.telemetry }

    /// Runs `steps` in order, stopping at the first failure; `dirty` lists the dirty
    /// migrations found when the run was planned (one of them may be resumed).
    ///
    /// Where the next migration is tracked in the progress table, its progress row is written
    /// by the transaction that records the one before it: on MySQL, whose DDL commits by
    /// itself, that saves a commit — a disk flush — per migration. The row then says the
    /// next migration started, which is true from that commit on: nothing else runs between.
    ///
    /// Likewise, where both a migration and the next run in a plain transaction, the commit
    /// of the one starts the transaction of the next (``DatabaseConnection/commitAndBeginTransaction()``):
    /// on PostgreSQL that saves a round trip per migration. Each migration still commits on
    /// its own, and a failure rolls back only the migration that failed.
    ///
    /// `resumingAt`, the 0-based index of a statement, resumes a dirty migration there
    /// instead of after its last completed statement (`--from-statement`).
    func run(
        _ steps: [(migration: LoadedMigration, direction: MigrationDirection)], dirty: [MigrationProgress] = [], resumingAt: Int? = nil
    ) async throws -> [CompletedMigration] {
        var completed: [CompletedMigration] = []
        var progressStarted = false
        var transactionStarted = false
        for (index, step) in steps.enumerated() {
            let following = index + 1 < steps.count ? steps[index + 1] : nil
            let announced = following.flatMap { next in startsFreshProgressRow(next.migration, next.direction, dirty: dirty) ? next : nil }
            let chains = runsInPlainTransaction(step.migration, step.direction)
                && following.map { runsInPlainTransaction($0.migration, $0.direction) } == true
            completed.append(try await run(
                step.migration, step.direction, dirty: dirty, resumingAt: resumingAt, progressStarted: progressStarted, announcing: announced,
                transactionStarted: transactionStarted, beginningNext: chains
            ))
            progressStarted = announced != nil
            transactionStarted = chains
        }
        return completed
    }

    /// Runs `steps` and their history changes in one transaction, committed at the end: all
    /// or nothing (`migrate --atomic`). The caller checked that every step runs in a
    /// transaction on a database with transactional DDL (``Migrator/atomicBatch(_:mode:on:)``).
    /// Foreign keys are checked at the commit when any step needs them deferred. Each step is
    /// reported as ``MigrationEvent/ran(_:_:_:)`` when its statements ran, and the run as
    /// ``MigrationEvent/committed(_:_:)`` once recorded. The history rows go in together,
    /// many to a statement, before the commit.
    func runAtomically(_ steps: [(migration: LoadedMigration, direction: MigrationDirection)]) async throws -> [CompletedMigration] {
        let clock = ContinuousClock()
        let start = clock.now
        var completed: [CompletedMigration] = []
        var inserted: [HistoryRecord] = []
        var deleted: [SQLStatement] = []
        try await connection.checkMigrationLockHeld()
        if steps.contains(where: { $0.migration.body($0.direction).map(defersForeignKeys) == true }) {
            try await connection.beginTransactionDeferringForeignKeys()
        } else {
            try await connection.beginTransaction()
        }
        for step in steps {
            let (migration, direction) = step
            guard let body = migration.body(direction) else {
                try? await connection.rollbackTransaction()
                throw StrataError(.refused, "\(migrator.vocabulary.capitalizedNoun) \(migration.id) has no `-- migrate:down` section and cannot be undone.")
            }
            let logger = telemetry.logger(self.logger, migration.id, direction)
            report(.started(migration.id, direction))
            logger.info("Starting migration in the run's one transaction")
            let began = clock.now
            let tracker = StatementTracker(completed: 0)
            do {
                try await telemetry.span(migration.id, direction, tracer: tracer) {
                    try await execute(body, inTransaction: true, step: statementStep(
                        migration, body: body, atomic: true, skipping: 0, tracker: tracker, logger: logger
                    ))
                }
            } catch {
                try? await connection.rollbackTransaction()
                telemetry.failed(direction)
                throw MigrationFailure.error(
                    error, migration: migration, direction: direction, statement: tracker.current,
                    statementsCompleted: tracker.completed, body: body, dialect: connection.dialect, vocabulary: migrator.vocabulary,
                    atomicRun: (before: completed.count, total: steps.count)
                )
            }
            let duration = clock.now - began
            switch direction {
            case .up:
                inserted.append(historyRecord(migration, duration: duration))
            case .down:
                deleted.append(history.deleteStatement(migration.id.version))
            }
            completed.append(CompletedMigration(id: migration.id, direction: direction, duration: duration))
            report(.ran(migration.id, direction, duration))
            logger.info("Ran migration; it commits with the run", metadata: ["duration_ms": "\(duration.milliseconds)"])
        }
        do {
            try await connection.executeAll(deleted + history.insertStatements(inserted))
            try await connection.checkMigrationLockHeld()
            try await connection.commitTransaction()
        } catch {
            try? await connection.rollbackTransaction()
            for step in steps { telemetry.failed(step.direction) }
            let noun = migrator.vocabulary.noun
            throw StrataError.failure(
                "Committing the run's one transaction of \(steps.count) \(noun)s failed: \((error as? DatabaseError)?.description ?? String(describing: error))",
                hint: "The transaction rolled back: none of the \(steps.count) \(noun)s was applied and the history is unchanged. "
                    + "Fix what the database reported and run `\(migrator.vocabulary.command(.up)) --atomic` again.",
                underlying: error as? DatabaseError
            )
        }
        telemetry.completed(completed)
        report(.committed(completed.count, clock.now - start))
        logger.info("Committed the run's one transaction", metadata: ["migrations": "\(completed.count)"])
        return completed
    }

    /// Whether a migration's section runs in a transaction that ``DatabaseConnection/beginTransaction()``
    /// starts: it has a section, atomic, and needs no foreign-key deferral.
    private func runsInPlainTransaction(_ migration: LoadedMigration, _ direction: MigrationDirection) -> Bool {
        guard let body = migration.body(direction) else { return false }
        return isAtomic(body) && !defersForeignKeys(body)
    }

    /// Whether a section asks for foreign keys checked only at commit, or its recorded schema
    /// changes need them so.
    private func defersForeignKeys(_ body: MigrationBody) -> Bool {
        if body.defersForeignKeys { return true }
        guard let changes = body.program?.recordedChanges else { return false }
        return connection.dialect.schemaDialect?.defersForeignKeys(for: changes) == true
    }

    /// Whether a migration is tracked in the progress table from a fresh row: it has a section
    /// to run, outside a transaction or on a database without transactional DDL, and is not
    /// dirty (a resumed migration replaces its own row).
    private func startsFreshProgressRow(_ migration: LoadedMigration, _ direction: MigrationDirection, dirty: [MigrationProgress]) -> Bool {
        guard let body = migration.body(direction) else { return false }
        return !isAtomic(body) && !dirty.contains { $0.version == migration.id.version }
    }

    /// The progress row of a migration that starts now.
    private func progressRow(
        _ migration: LoadedMigration, _ direction: MigrationDirection, body: MigrationBody, resuming resumed: MigrationProgress?, statementsDone: Int = 0
    ) -> MigrationProgress {
        MigrationProgress(
            version: migration.id.version, name: migration.id.name, checksum: migration.checksum, direction: direction,
            startedAt: resumed?.startedAt ?? Date(), statementsDone: statementsDone, statementsTotal: body.statements.count
        )
    }

    /// Whether a section's statements and its history change commit in one transaction.
    private func isAtomic(_ body: MigrationBody) -> Bool {
        body.runsInTransaction && connection.dialect.supportsTransactionalDDL
    }

    /// Runs one migration's up or down section and records it; `dirty` lists the dirty
    /// migrations found when the run was planned (one of them may be this one, resumed).
    ///
    /// When the section's statements can roll back together (a transaction on a database
    /// with transactional DDL), they and the history change commit in one transaction.
    /// Otherwise the migration is tracked in the progress table statement by statement, so
    /// that a failure or a crash leaves it *dirty* — visible, explained, resumable — and
    /// only the final history change is atomic. `progressStarted` says its progress row
    /// was already written (by the migration before it); `announcing` is the next
    /// migration's progress row, to write with this one's history change.
    /// `transactionStarted` says the commit of the migration before started this one's
    /// transaction; `beginningNext`, that this one's commit starts the next migration's.
    func run(
        _ migration: LoadedMigration, _ direction: MigrationDirection, dirty: [MigrationProgress] = [], resumingAt: Int? = nil,
        progressStarted: Bool = false, announcing next: (migration: LoadedMigration, direction: MigrationDirection)? = nil,
        transactionStarted: Bool = false, beginningNext: Bool = false
    ) async throws -> CompletedMigration {
        do {
            let completed = try await telemetry.span(migration.id, direction, tracer: tracer) {
                try await runUntraced(
                    migration, direction, dirty: dirty, resumingAt: resumingAt, progressStarted: progressStarted, announcing: next,
                    transactionStarted: transactionStarted, beginningNext: beginningNext
                )
            }
            telemetry.completed([completed])
            return completed
        } catch {
            telemetry.failed(direction)
            throw error
        }
    }

    /// ``run(_:_:dirty:resumingAt:progressStarted:announcing:transactionStarted:beginningNext:)``
    /// without its span and metrics.
    private func runUntraced(
        _ migration: LoadedMigration, _ direction: MigrationDirection, dirty: [MigrationProgress], resumingAt: Int?,
        progressStarted: Bool, announcing next: (migration: LoadedMigration, direction: MigrationDirection)?,
        transactionStarted: Bool, beginningNext: Bool
    ) async throws -> CompletedMigration {
        guard let body = migration.body(direction) else {
            throw StrataError(.refused, "\(migrator.vocabulary.capitalizedNoun) \(migration.id) has no `-- migrate:down` section and cannot be undone.")
        }
        let logger = telemetry.logger(self.logger, migration.id, direction)
        let atomic = isAtomic(body)
        // A dirty migration being resumed continues after its last completed statement.
        let resumed = atomic ? nil : dirty.first { $0.version == migration.id.version && $0.direction == direction }
        let firstStatement = resumed.map { resumingAt ?? $0.statementsDone } ?? 0
        report(.started(migration.id, direction))
        logger.info(resumed == nil ? "Starting migration" : "Resuming migration", metadata: ["from_statement": "\(firstStatement + 1)"])

        let clock = ContinuousClock()
        let start = clock.now
        let tracker = StatementTracker(completed: firstStatement)
        do {
            // Nothing starts once the lock may be gone.
            try await connection.checkMigrationLockHeld()
            if atomic {
                // With `transactionStarted`, the commit of the migration before started it.
                if !transactionStarted {
                    if defersForeignKeys(body) {
                        try await connection.beginTransactionDeferringForeignKeys()
                    } else {
                        try await connection.beginTransaction()
                    }
                }
            } else if !progressStarted || resumed != nil {
                let row = progressRow(migration, direction, body: body, resuming: resumed, statementsDone: firstStatement)
                try await retryingConflicts {
                    if resumed != nil {
                        try await progress.resume(row)
                    } else {
                        try await progress.start(row)
                    }
                }
            }
            try await execute(body, inTransaction: atomic, step: statementStep(
                migration, body: body, atomic: atomic, skipping: firstStatement, tracker: tracker, logger: logger
            ))
            let duration = clock.now - start
            var bookkeeping = [recordStatement(migration, direction, duration: duration)]
            if !atomic { bookkeeping.append(progress.deleteStatement(migration.id.version)) }
            if let next, let nextBody = next.migration.body(next.direction) {
                bookkeeping.append(progress.startStatement(progressRow(next.migration, next.direction, body: nextBody, resuming: nil)))
            }
            try await connection.checkMigrationLockHeld()
            if atomic {
                try await connection.executeAllAndCommit(bookkeeping, startingTransaction: false, beginningNext: beginningNext)
            } else {
                // The statements ran and are recorded as run: only the bookkeeping is
                // retried when it loses to a concurrent transaction (a cluster's certification).
                try await retryingConflicts {
                    do {
                        try await connection.executeAllAndCommit(bookkeeping, startingTransaction: true, beginningNext: beginningNext)
                    } catch {
                        try? await connection.rollbackTransaction()
                        throw error
                    }
                }
            }
            report(.finished(migration.id, direction, duration))
            logger.info("Finished migration", metadata: ["duration_ms": "\(duration.milliseconds)"])
            return CompletedMigration(id: migration.id, direction: direction, duration: duration)
        } catch {
            try? await connection.rollbackTransaction()
            let failure = MigrationFailure.error(
                error, migration: migration, direction: direction, statement: tracker.current,
                statementsCompleted: tracker.completed, body: body, dialect: connection.dialect, vocabulary: migrator.vocabulary,
                resumedAt: resumed == nil ? nil : firstStatement
            )
            if !atomic {
                if tracker.completed == 0, resumed == nil {
                    // Nothing ran: the failure left no trace, so the migration is not dirty.
                    // A resumed one stays dirty whatever happens: the run that stopped may
                    // have run the statement that failed now.
                    try? await progress.delete(migration.id.version)
                } else {
                    let reason = (error as? DatabaseError)?.summary ?? String(describing: error)
                    try? await retryingConflicts {
                        try await progress.fail(migration.id.version, line: tracker.current?.line ?? 0, error: reason)
                    }
                }
            }
            // Thrown, not logged: the caller reports it once.
            throw failure
        }
    }

    /// Runs a section's statements through `step`: a file's in order, a Swift migration's as
    /// its program renders them.
    private func execute(_ body: MigrationBody, inTransaction: Bool, step: @escaping @Sendable (SQLStatement) async throws -> Void) async throws {
        guard let program = body.program else {
            for statement in body.statements { try await step(statement) }
            return
        }
        guard let schemaDialect = connection.dialect.schemaDialect else {
            throw StrataError.unsupported(
                "Swift migrations", dialect: connection.dialect.name, workaround: "write this migration as a SQL file in the migrations directory."
            )
        }
        let context = SchemaContext(database: connection, inTransaction: inTransaction)
        try await program.run(Schema(DatabaseSchemaBackend(dialect: schemaDialect, context: context, run: step)))
    }

    /// Runs `body`, retried while it loses to a concurrent transaction
    /// (``retryingConflicts(on:attempts:onRetry:_:)``): Strata's own bookkeeping, which a
    /// cluster may abort because of another node's transaction.
    func retryingConflicts(_ body: () async throws -> Void) async throws {
        let logger = self.logger
        try await Strata.retryingConflicts(on: connection.dialect, onRetry: { error, attempt in
            logger.info("Retrying Strata's bookkeeping after a conflict", metadata: ["attempt": "\(attempt)", "error": "\(error.summary)"])
        }, body)
    }

    /// What runs each statement of a migration, from its file or from its Swift code: skips
    /// the statements a resumed run already completed, honours `skip-if` guards, executes,
    /// and (outside a transaction) records the progress after each statement.
    private func statementStep(
        _ migration: LoadedMigration, body: MigrationBody, atomic: Bool, skipping alreadyDone: Int,
        tracker: StatementTracker, logger: Logger
    ) -> @Sendable (SQLStatement) async throws -> Void {
        let connection = self.connection
        let progress = self.progress
        let report = self.report
        let logStatements = migrator.logStatements
        let fileStatements = body.program == nil ? body.statements.count : nil
        let retry = { @Sendable (body: () async throws -> Void) async throws in try await self.retryingConflicts(body) }
        let vocabulary = migrator.vocabulary
        let checkStatement = { @Sendable (statement: SQLStatement) throws in
            try Migrator.checkRunnable(statement, of: migration, atomic: atomic, on: connection, vocabulary: vocabulary)
        }
        return { statement in
            let index = tracker.begin(statement)
            if index < alreadyDone { return tracker.skipped() }
            // A Swift migration's statements are known only now.
            if fileStatements == nil { try checkStatement(statement) }
            if let guardQuery = statement.skipIf, try await !connection.query(guardQuery, []).isEmpty {
                logger.info("Skipping statement: its strata:skip-if query returned a row", metadata: ["line": "\(statement.line)"])
                report(.statementSkipped(migration.id, statement))
            } else {
                logger.log(level: logStatements ? .info : .debug, "\(statement.text)", metadata: ["line": "\(statement.line)"])
                report(.statementStarted(migration.id, statement, number: index + 1))
                if statement.binds.isEmpty {
                    try await connection.execute(statement.text)
                } else {
                    _ = try await connection.query(statement.text, statement.binds)
                }
            }
            let done = tracker.finish()
            // A file's last statement is recorded by the transaction that records the migration.
            if !atomic, done < fileStatements ?? Int.max { try await retry { try await progress.advance(migration.id.version, done: done) } }
        }
    }

    /// The statement that records a finished migration in the history: a row for `up`,
    /// none for `down`.
    private func recordStatement(_ migration: LoadedMigration, _ direction: MigrationDirection, duration: Duration) -> SQLStatement {
        switch direction {
        case .up:
            history.insertStatement(historyRecord(migration, duration: duration))
        case .down:
            history.deleteStatement(migration.id.version)
        }
    }

    /// The history row of a migration applied now, whose statements took `duration`.
    private func historyRecord(_ migration: LoadedMigration, duration: Duration) -> HistoryRecord {
        HistoryRecord(
            version: migration.id.version, name: migration.id.name, checksum: migration.checksum,
            appliedAt: Date(), executionMilliseconds: duration.milliseconds
        )
    }

    /// Records `migrations` as applied without running them (`baseline`, `import`), in one
    /// transaction.
    func recordBaselined(_ migrations: [LoadedMigration]) async throws {
        try await history.addKindColumnIfMissing()
        try await record(migrations.map { HistoryRecord(
            version: $0.id.version, name: $0.id.name, checksum: $0.checksum, appliedAt: Date(), executionMilliseconds: 0, baselined: true
        ) })
    }

    /// Writes history rows for migrations that did not run here, in one transaction.
    private func record(_ records: [HistoryRecord]) async throws {
        try await record(records.map(history.insertStatement))
    }

    /// Records the migrations a loaded schema dump lists as applied, in one transaction, as
    /// the dump wrote them: applied at their version's time, in 0 ms.
    func recordLoaded(_ migrations: [SchemaDumpFile.RecordedMigration]) async throws {
        try await record(history.insertStatements(migrations.map {
            HistoryRecord(version: $0.id.version, name: $0.id.name, checksum: $0.checksum, appliedAt: $0.id.version.date, executionMilliseconds: 0)
        }))
    }

    /// Runs statements that write history rows, in one transaction.
    private func record(_ statements: [SQLStatement]) async throws {
        guard !statements.isEmpty else { return }
        do {
            try await connection.executeAllAndCommit(statements, startingTransaction: true, beginningNext: false)
        } catch {
            try? await connection.rollbackTransaction()
            throw error
        }
    }

    /// Settles a dirty migration as `strata resolve` was told, in one transaction.
    func settle(_ dirty: MigrationProgress, as resolution: Migrator.Resolution) async throws {
        try await connection.beginTransaction()
        do {
            if resolution == .applied {
                let checksum = migrator.migrations.first { $0.id.version == dirty.version }?.checksum ?? dirty.checksum
                let migration = LoadedMigration(
                    id: dirty.id, checksum: checksum, source: "", up: MigrationBody(statements: []), down: nil
                )
                try await connection.executeAll([recordStatement(migration, dirty.direction, duration: .zero)])
            }
            try await progress.delete(dirty.version)
            try await connection.commitTransaction()
        } catch {
            try? await connection.rollbackTransaction()
            throw error
        }
    }
}
