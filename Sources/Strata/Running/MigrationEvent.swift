/// Whether a migration is being applied or undone.
public enum MigrationDirection: String, Sendable, Hashable {
    /// `migrate`: the up section.
    case up
    /// `undo`: the down section.
    case down
}

/// Progress reported while a run goes on, for the command-line tool's output.
public enum MigrationEvent: Sendable {
    /// Another run holds the lock; this one waits.
    case waitingForLock
    /// A migration started.
    case started(MigrationID, MigrationDirection)
    /// A statement is about to run: the `number`th (1-based) of the migration's section.
    case statementStarted(MigrationID, SQLStatement, number: Int)
    /// A statement was skipped because its `-- strata:skip-if` query returned a row.
    case statementSkipped(MigrationID, SQLStatement)
    /// A migration finished and is recorded.
    case finished(MigrationID, MigrationDirection, Duration)
    /// A migration of an atomic run (`migrate --atomic`) ran; it is recorded only when the
    /// run's one transaction commits (``committed(_:_:)``), and undone if anything after it fails.
    case ran(MigrationID, MigrationDirection, Duration)
    /// An atomic run's one transaction committed: this many migrations are now recorded,
    /// after this long from its start.
    case committed(Int, Duration)
}

/// A migration that a run applied or undid.
public struct CompletedMigration: Sendable, Hashable {
    /// The migration's identity.
    public var id: MigrationID
    /// Applied or undone.
    public var direction: MigrationDirection
    /// How long its statements took.
    public var duration: Duration
}
