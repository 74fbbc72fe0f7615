import Foundation

/// One row of the history table: a migration that was applied.
public struct HistoryRecord: Sendable, Hashable {
    /// The migration's version, the table's primary key.
    public var version: MigrationVersion
    /// The migration's name when it was applied.
    public var name: String
    /// The SHA-256 of the migration's source when it was applied.
    public var checksum: String
    /// When it was applied (UTC).
    public var appliedAt: Date
    /// How long its statements took, in milliseconds.
    public var executionMilliseconds: Int64
    /// Whether it was recorded as applied without running here (`strata baseline`,
    /// `strata import`): the database already had its changes, and its down section was
    /// never proven on it.
    public var baselined: Bool

    /// Creates a record.
    public init(
        version: MigrationVersion, name: String, checksum: String, appliedAt: Date, executionMilliseconds: Int64, baselined: Bool = false
    ) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.appliedAt = appliedAt
        self.executionMilliseconds = executionMilliseconds
        self.baselined = baselined
    }

    /// The migration's identity.
    public var id: MigrationID { MigrationID(version: version, name: name) }
}
