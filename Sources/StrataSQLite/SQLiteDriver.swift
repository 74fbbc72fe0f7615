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

    /// Opens the database file, creating it and its directory if needed.
    public func connect(_ settings: ConnectionSettings, logger: Logger) async throws -> any DatabaseConnection {
        guard let storage = settings.storage, !storage.isEmpty else {
            throw StrataError(.configuration, "A sqlite environment needs `storage:` (a file path, or :memory:).",
                              hint: "Use `url: sqlite:db/development.sqlite3`, or add `storage:` next to `dialect: sqlite`.")
        }
        return try await SQLiteDatabaseConnection.open(storage: storage)
    }
}
