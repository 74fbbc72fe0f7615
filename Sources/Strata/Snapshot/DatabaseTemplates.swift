/// How a driver keeps a built database aside and clones it in one step: what makes
/// `strata db reset` take milliseconds once the migrations have not changed. PostgreSQL
/// clones with `CREATE DATABASE … TEMPLATE`, SQLite copies the file; engines without such a
/// copy (MySQL) have none.
///
/// A template is named by the ``DatabaseReset`` fingerprint of the migrations it holds, so a
/// changed or added migration never clones an old one. Saving a template removes the
/// database's older ones.
public struct DatabaseTemplates: Sendable {
    /// Where the template with a fingerprint lives, for messages (a database name, a file).
    public var location: @Sendable (_ fingerprint: String) -> String
    /// Whether the template with a fingerprint exists.
    public var exists: @Sendable (_ fingerprint: String) async throws -> Bool
    /// Copies the database, which no connection uses, into the template with a fingerprint,
    /// and removes the database's other templates.
    public var save: @Sendable (_ fingerprint: String) async throws -> Void
    /// Creates the database, which does not exist, as a copy of the template with a fingerprint.
    public var clone: @Sendable (_ fingerprint: String) async throws -> Void
    /// Removes every template of the database (`strata db drop`), returning where they were.
    public var removeAll: @Sendable () async throws -> [String]

    /// Creates the operations.
    public init(
        location: @escaping @Sendable (String) -> String,
        exists: @escaping @Sendable (String) async throws -> Bool,
        save: @escaping @Sendable (String) async throws -> Void,
        clone: @escaping @Sendable (String) async throws -> Void,
        removeAll: @escaping @Sendable () async throws -> [String]
    ) {
        self.location = location
        self.exists = exists
        self.save = save
        self.clone = clone
        self.removeAll = removeAll
    }
}
