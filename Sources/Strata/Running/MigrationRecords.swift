/// What a database records about a set of migrations: the history of those applied, and
/// those that started and did not finish (dirty). With the migrations on disk, it is all a
/// ``MigrationPlanner`` needs.
public struct MigrationRecords: Sendable, Hashable {
    /// The history table's rows, in version order.
    public var history: [HistoryRecord]
    /// The progress table's rows: migrations that are dirty or still running.
    public var progress: [MigrationProgress]
    /// Who holds the migration lock, when progress rows exist and a run holds it: those rows
    /// are then that run's work in progress.
    public var lockHolder: String?

    /// Creates records.
    public init(history: [HistoryRecord], progress: [MigrationProgress], lockHolder: String? = nil) {
        self.history = history
        self.progress = progress
        self.lockHolder = lockHolder
    }
}
