import Foundation

/// Where a migration stands, comparing the migration files with the history table.
public enum MigrationState: String, Sendable, Hashable, CaseIterable {
    /// Applied, and its source is unchanged since.
    case applied
    /// Recorded as applied without running here (`strata baseline`, `strata import`), and
    /// its source is unchanged since. `undo` refuses it unless told to.
    case baseline
    /// Not applied yet.
    case pending
    /// Applied, but its source changed since (the checksums differ).
    case changed
    /// Applied, but its source is gone.
    case missing
    /// Started but neither finished nor rolled back: some of its statements ran. See
    /// ``MigrationProgress``; `strata resolve` or `--resume` settle it.
    case dirty
    /// Being applied or undone now, by a run that holds the migration lock: its progress row
    /// is that run's, not the trace of one that stopped. Never reported as dirty.
    case running
}

/// One line of `strata status`.
public struct MigrationStatusEntry: Sendable, Hashable {
    /// The migration's identity (from its file, or from the history when missing).
    public var id: MigrationID
    /// Where it stands.
    public var state: MigrationState
    /// The migration, unless it is missing.
    public var migration: LoadedMigration?
    /// The history record, if it was applied.
    public var record: HistoryRecord?
    /// How far it got, if it is dirty.
    public var progress: MigrationProgress?

    /// When it was applied, if it was.
    public var appliedAt: Date? { record?.appliedAt }
}

extension Array where Element == MigrationStatusEntry {
    /// How many of the entries are pending.
    public var pendingCount: Int { count { $0.state == .pending } }
}
