/// A migration as a person names it in a command: by its version (`20250519123045`) or by its
/// whole id (`20250519123045-create-users`).
///
/// A reference with a name must match the migration's name as well as its version, so a
/// mistyped or stale id is refused instead of acting on whatever migration has that version.
public struct MigrationReference: Hashable, Sendable, CustomStringConvertible {
    /// The version referred to.
    public let version: MigrationVersion
    /// The name given with the version, when the whole id was given.
    public let name: String?

    /// A reference by version alone.
    public init(_ version: MigrationVersion) {
        self.version = version
        self.name = nil
    }

    /// A reference by whole id.
    public init(_ id: MigrationID) {
        self.version = id.version
        self.name = id.name
    }

    /// Parses `VERSION` or `VERSION-name`; `nil` when the text is neither.
    public init?(_ text: String) {
        if let version = MigrationVersion(text) {
            self.init(version)
        } else if let id = try? MigrationID(parsing: text) {
            self.init(id)
        } else {
            return nil
        }
    }

    /// Whether `id` is the migration referred to.
    public func matches(_ id: MigrationID) -> Bool {
        id.version == version && (name == nil || name == id.name)
    }

    /// The text as given: the version, or the whole id.
    public var description: String { name.map { "\(version)-\($0)" } ?? version.digits }
}
