#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Strata

/// The SQLite driver: URLs `sqlite:PATH` and `sqlite::memory:`, or `dialect: sqlite` with
/// `storage:`. SQLite is embedded (the copy SQLiteNIO bundles, used through its C API); there is no server.
public struct SQLiteDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    /// `sqlite`.
    public var dialects: Set<String> { ["sqlite"] }

    /// ``SQLiteDialect``.
    public var dialect: any SQLDialect { SQLiteDialect() }

    /// Opens the database file, creating it and its directory when migrating. A database
    /// that does not exist yet is read as an empty one, without creating the file.
    public func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection {
        let storage = try self.storage(settings)
        if purpose == .read, storage != ":memory:", !FileManager.default.fileExists(atPath: storage) {
            return try await SQLiteDatabaseConnection.standIn(for: storage)
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

    /// Whether the database file exists (an in-memory database always does).
    public func databaseExists(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool {
        let storage = try self.storage(settings)
        return storage == ":memory:" || FileManager.default.fileExists(atPath: storage)
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

extension SQLiteDriver {
    /// An online copy with `VACUUM INTO` (consistent even while others write), gzipped.
    public func backupMethod(_ settings: ConnectionSettings, logger: Logger) throws -> BackupMethod {
        let storage = try existingFile(settings)
        return BackupMethod(source: .copy({ destination in
            let connection = try await SQLiteDatabaseConnection.open(storage: storage)
            do {
                try await connection.closeAfter { try await connection.execute("VACUUM INTO \(SQLiteDialect.literal(destination))") }
            } catch {
                throw StrataError(.failure, "Cannot copy SQLite database \(storage): \(error).")
            }
        }), fileExtension: "sqlite3", compress: true)
    }

    /// Checks that the backup is a whole SQLite database (its header, then `PRAGMA
    /// quick_check` on it), then copies it beside the database file, gives the copy the
    /// file's mode, and renames it over the file: the database is either the old file or the
    /// whole new one.
    public func restoreMethod(_ settings: ConnectionSettings, logger: Logger) throws -> RestoreMethod {
        let storage = try self.storage(settings)
        guard storage != ":memory:" else {
            throw StrataError(.configuration, "An in-memory SQLite database cannot be restored into.")
        }
        return RestoreMethod(
            inspect: { payload, name in try await Self.inspectBackup(payload, named: name) },
            databaseExists: { FileManager.default.fileExists(atPath: storage) },
            replace: { source in try Self.replace(storage, with: source) },
            guarantee: "SQLite: the database file is replaced by one rename, so it is unchanged."
        )
    }

    private static func inspectBackup(_ payload: String, named name: String) async throws -> BackupContents {
        guard RestoreMethod.leadingBytes(of: payload, count: 16) == Data("SQLite format 3\u{0}".utf8) else {
            throw StrataError(.configuration, "\(name) is not an SQLite database (it does not start with SQLite's header); nothing was restored.",
                              hint: "Restore a backup taken by `strata backup` of a sqlite environment, or an SQLite database file.")
        }
        let verdict: String
        do {
            let connection = try await SQLiteDatabaseConnection.open(storage: payload)
            verdict = try await connection.closeAfter {
                try await connection.query("PRAGMA quick_check", []).compactMap { $0["quick_check"].text }.joined(separator: "; ")
            }
        } catch {
            throw StrataError(.configuration, "\(name) is a damaged SQLite database (\(error)); nothing was restored.",
                              hint: "The file is truncated or corrupt: restore another backup.")
        }
        guard verdict == "ok" else {
            throw StrataError(.configuration, "\(name) is a damaged SQLite database (quick_check: \(verdict.prefix(300))); nothing was restored.",
                              hint: "The file is truncated or corrupt: restore another backup.")
        }
        return BackupContents(format: "SQLite database")
    }

    private static func replace(_ storage: String, with source: String) throws {
        let staged = storage + ".strata-restore"
        let folder = (storage as NSString).deletingLastPathComponent
        do {
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: staged)
            let mode = (try? FileManager.default.attributesOfItem(atPath: storage)[.posixPermissions] as? Int) ?? 0o644
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: staged)
            let descriptor = open(staged, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 { fsync(descriptor); close(descriptor) }
            for suffix in ["-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storage + suffix) }
            guard rename(staged, storage) == 0 else {
                throw StrataError(.failure, "Cannot replace \(storage): \(String(cString: strerror(errno))).")
            }
        } catch let error as StrataError {
            try? FileManager.default.removeItem(atPath: staged)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: staged)
            throw StrataError(.failure, "Cannot restore into \(storage): \(error.localizedDescription)")
        }
    }

    private func existingFile(_ settings: ConnectionSettings) throws -> String {
        let storage = try self.storage(settings)
        guard storage != ":memory:" else {
            throw StrataError(.configuration, "An in-memory SQLite database cannot be backed up.")
        }
        guard FileManager.default.fileExists(atPath: storage) else {
            throw StrataError(.failure, "SQLite database \(storage) does not exist; there is nothing to back up.")
        }
        return storage
    }
}
