/// A migration as the runner sees it, whatever its source: its identity, its checksum,
/// where it came from, and what `migrate` and `undo` run.
///
/// A value like any other, stored in one shared, immutable box: a run copies each
/// migration a score of times — into the status, the plan, the steps — and a copy is then
/// one reference count, not one for each of its strings and statement lists.
public struct LoadedMigration: Sendable, Hashable {
    /// The version and name.
    public var id: MigrationID {
        get { storage.fields.id }
        set { update { $0.id = newValue } }
    }
    /// The checksum of the migration's source, compared with the history on every run.
    public var checksum: String {
        get { storage.fields.checksum }
        set { update { $0.checksum = newValue } }
    }
    /// Where the migration came from, for messages, e.g. `db/migrations/20250519123045-create-users.sql`.
    public var source: String {
        get { storage.fields.source }
        set { update { $0.source = newValue } }
    }
    /// What `migrate` runs.
    public var up: MigrationBody {
        get { storage.fields.up }
        set { update { $0.up = newValue } }
    }
    /// What `undo` runs; `nil` if the migration cannot be undone.
    public var down: MigrationBody? {
        get { storage.fields.down }
        set { update { $0.down = newValue } }
    }

    private var storage: Storage

    /// Creates a migration.
    public init(id: MigrationID, checksum: String, source: String, up: MigrationBody, down: MigrationBody?) {
        storage = Storage(Fields(id: id, checksum: checksum, source: source, up: up, down: down))
    }

    /// The section that runs in `direction`: `up`, or `down` (`nil` if there is none).
    public func body(_ direction: MigrationDirection) -> MigrationBody? {
        direction == .up ? up : down
    }

    /// Whether the two are the same migration: the same identity, checksum, source and sections.
    public static func == (lhs: LoadedMigration, rhs: LoadedMigration) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes what `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// Gives this copy new storage with `change` made: the shared one never changes.
    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    /// What a migration is made of.
    private struct Fields: Sendable, Hashable {
        var id: MigrationID
        var checksum: String
        var source: String
        var up: MigrationBody
        var down: MigrationBody?
    }

    /// The box the copies share.
    private final class Storage: Sendable {
        let fields: Fields

        init(_ fields: Fields) { self.fields = fields }
    }
}
