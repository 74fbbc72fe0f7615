/// A migration as the runner sees it, whatever its source: its identity, its checksum,
/// where it came from, and what `migrate` and `undo` run.
///
/// A value like any other, stored in one shared, immutable box: a run copies each
/// migration a score of times — into the status, the plan, the steps — and a copy is then
/// one reference count, not one for each of its strings and statement lists.
public struct LoadedMigration: Sendable, Hashable {
    /// The version and name.
    public var id: MigrationID {
        get { storage.id }
        set { storage = Storage(id: newValue, checksum: checksum, source: source, up: up, down: down) }
    }
    /// The checksum of the migration's source, compared with the history on every run.
    public var checksum: String {
        get { storage.checksum }
        set { storage = Storage(id: id, checksum: newValue, source: source, up: up, down: down) }
    }
    /// Where the migration came from, for messages, e.g. `db/migrations/20250519123045-create-users.sql`.
    public var source: String {
        get { storage.source }
        set { storage = Storage(id: id, checksum: checksum, source: newValue, up: up, down: down) }
    }
    /// What `migrate` runs.
    public var up: MigrationBody {
        get { storage.up }
        set { storage = Storage(id: id, checksum: checksum, source: source, up: newValue, down: down) }
    }
    /// What `undo` runs; `nil` if the migration cannot be undone.
    public var down: MigrationBody? {
        get { storage.down }
        set { storage = Storage(id: id, checksum: checksum, source: source, up: up, down: newValue) }
    }

    private var storage: Storage

    /// Creates a migration.
    public init(id: MigrationID, checksum: String, source: String, up: MigrationBody, down: MigrationBody?) {
        storage = Storage(id: id, checksum: checksum, source: source, up: up, down: down)
    }

    /// The section that runs in `direction`: `up`, or `down` (`nil` if there is none).
    public func body(_ direction: MigrationDirection) -> MigrationBody? {
        direction == .up ? up : down
    }

    /// Whether the two are the same migration: the same identity, checksum, source and sections.
    public static func == (lhs: LoadedMigration, rhs: LoadedMigration) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.id == rhs.id && lhs.checksum == rhs.checksum && lhs.source == rhs.source && lhs.up == rhs.up && lhs.down == rhs.down)
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(checksum)
        hasher.combine(source)
        hasher.combine(up)
        hasher.combine(down)
    }

    /// The fields, never changed once made: a setter makes new storage for its copy.
    private final class Storage: Sendable {
        let id: MigrationID
        let checksum: String
        let source: String
        let up: MigrationBody
        let down: MigrationBody?

        init(id: MigrationID, checksum: String, source: String, up: MigrationBody, down: MigrationBody?) {
            self.id = id
            self.checksum = checksum
            self.source = source
            self.up = up
            self.down = down
        }
    }
}
