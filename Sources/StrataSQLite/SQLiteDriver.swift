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
        let storage = try self.storage(settings)
        if purpose == .read, storage != ":memory:", !FileManager.default.fileExists(atPath: storage) {
            return try await SQLiteDatabaseConnection.open(storage: ":memory:")
        }
        return try await SQLiteDatabaseConnection.open(storage: storage)
    }
}

extension SQLiteDriver {
    /// Creates the database file (and its directory).
    public func createDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        let storage = try self.storage(settings)
        if storage == ":memory:" || FileManager.default.fileExists(atPath: storage) { return false }
        let connection = try await SQLiteDatabaseConnection.open(storage: storage)
        // An empty SQLite file is written only with its first page: make it a real database.
        try await connection.execute("PRAGMA user_version = 0")
        try await connection.execute("VACUUM")
        await connection.close()
        return true
    }

    /// Deletes the database file with its journal, WAL and lock files.
    public func dropDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        let storage = try self.storage(settings)
        guard storage != ":memory:", FileManager.default.fileExists(atPath: storage) else { return false }
        for suffix in ["", "-journal", "-wal", "-shm", ".strata-lock"] where FileManager.default.fileExists(atPath: storage + suffix) {
            do {
                try FileManager.default.removeItem(atPath: storage + suffix)
            } catch {
                throw StrataError(.failure, "Cannot delete \(storage + suffix): \(error.localizedDescription)")
            }
        }
        return true
    }

    private func storage(_ settings: ConnectionSettings) throws -> String {
        guard let storage = settings.storage, !storage.isEmpty else {
            throw StrataError(.configuration, "A sqlite environment needs `storage:` (a file path, or :memory:).",
                              hint: "Use `url: sqlite:db/development.sqlite3`, or add `storage:` next to `dialect: sqlite`.")
        }
        return storage
    }
}
