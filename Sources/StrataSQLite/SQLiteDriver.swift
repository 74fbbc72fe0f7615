import Foundation
import Logging
import Strata

/// The SQLite driver: URLs `sqlite:PATH` and `sqlite::memory:`, or `dialect: sqlite` with
/// `storage:`. SQLite is embedded (through SQLiteNIO, which bundles it); there is no server.
public struct SQLiteDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    public var dialects: Set<String> { ["sqlite"] }

    public var dialect: any SQLDialect { SQLiteDialect() }

    /// Opens the database file, creating it and its directory when migrating. A database
    /// that does not exist yet is read as an empty one, without creating the file.
    public func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection {
        guard let storage = settings.storage, !storage.isEmpty else {
            throw StrataError(.configuration, "A sqlite environment needs `storage:` (a file path, or :memory:).",
                              hint: "Use `url: sqlite:db/development.sqlite3`, or add `storage:` next to `dialect: sqlite`.")
        }
        if purpose == .read, storage != ":memory:", !FileManager.default.fileExists(atPath: storage) {
            return try await SQLiteDatabaseConnection.open(storage: ":memory:")
        }
        return try await SQLiteDatabaseConnection.open(storage: storage)
    }
}
