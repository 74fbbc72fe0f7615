/// A migration as the runner sees it, whatever its source: its identity, its checksum,
/// where it came from, and what `migrate` and `undo` run.
public struct LoadedMigration: Sendable, Hashable {
    /// The version and name.
    public var id: MigrationID
    /// The checksum of the migration's source, compared with the history on every run.
    public var checksum: String
    /// Where the migration came from, for messages, e.g. `db/migrations/20250519123045-create-users.sql`.
    public var source: String
    /// What `migrate` runs.
    public var up: MigrationBody
    /// What `undo` runs; `nil` if the migration cannot be undone.
    public var down: MigrationBody?

    /// Creates a migration.
    public init(id: MigrationID, checksum: String, source: String, up: MigrationBody, down: MigrationBody?) {
        self.id = id
        self.checksum = checksum
        self.source = source
        self.up = up
        self.down = down
    }

    /// The section that runs in `direction`: `up`, or `down` (`nil` if there is none).
    public func body(_ direction: MigrationDirection) -> MigrationBody? {
        direction == .up ? up : down
    }
}
