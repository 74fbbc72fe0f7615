import Foundation
import Logging
import SQLiteNIO
import Strata

/// A ``DatabaseConnection`` over one SQLiteNIO connection.
///
/// Transactions are `BEGIN IMMEDIATE`, so a migration takes SQLite's write lock as it
/// starts rather than failing half-way with `SQLITE_BUSY`. The migration lock is an
/// `flock` on `DATABASE.strata-lock` next to the database file: it spans a whole run (many
/// transactions, and `transaction:false` sections that must run outside any).
final class SQLiteDatabaseConnection: DatabaseConnection {
    let connection: SQLiteConnection
    let storage: String
    private let lock: FileLock?
    private let foreignKeysDeferred = LockedFlag()

    var dialect: any SQLDialect { SQLiteDialect() }

    private init(connection: SQLiteConnection, storage: String, lock: FileLock?) {
        self.connection = connection
        self.storage = storage
        self.lock = lock
    }

    /// Opens `storage` (a path or `:memory:`).
    static func open(storage: String) async throws -> SQLiteDatabaseConnection {
        let isMemory = storage == ":memory:"
        if !isMemory {
            let directory = (storage as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw StrataError(.failure, "Cannot create the directory \(directory) for SQLite database \(storage): \(error.localizedDescription)")
                }
            }
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(
                storage: isMemory ? .memory : .file(path: storage),
                logger: Logger(label: Logger.strataLabel)
            )
        } catch {
            throw StrataError(.failure, "Cannot open SQLite database \(storage): \(Self.databaseError(error).message).",
                              hint: "Check the path in strata.yml and that its directory is writable.")
        }
        let opened = SQLiteDatabaseConnection(
            connection: connection, storage: storage,
            lock: isMemory ? nil : FileLock(path: storage + ".strata-lock")
        )
        do {
            // Wait for other writers rather than failing at once; enforce foreign keys.
            try await opened.execute("PRAGMA busy_timeout = 10000")
            try await opened.execute("PRAGMA foreign_keys = ON")
        } catch {
            await opened.close()
            throw StrataError(.failure, "Cannot use SQLite database \(storage): \(error).",
                              hint: "Check that the file is an SQLite database.")
        }
        return opened
    }

    func execute(_ sql: String) async throws {
        _ = try await query(sql, [])
    }

    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(sql, binds.map(Self.sqliteData))
        } catch {
            throw Self.databaseError(error)
        }
        return rows.map { row in
            DatabaseRow(row.columns.map { ($0.name, Self.databaseValue($0.data)) })
        }
    }

    func beginTransaction() async throws { try await execute("BEGIN IMMEDIATE") }

    func commitTransaction() async throws {
        guard foreignKeysDeferred.value else { return try await execute("COMMIT") }
        let violations = try await query("PRAGMA foreign_key_check", [])
        if let first = violations.first {
            let table = first["table"].text ?? "?"
            let parent = first["parent"].text ?? "?"
            let row = first["rowid"].integer.map { " (rowid \($0))" } ?? ""
            throw DatabaseError(
                message: "FOREIGN KEY constraint failed: \(violations.count) row(s) reference missing rows, "
                    + "e.g. a row of \(table)\(row) referencing \(parent)",
                code: "SQLITE_CONSTRAINT_FOREIGNKEY"
            )
        }
        try await execute("COMMIT")
        try await enforceForeignKeysAgain()
    }

    func rollbackTransaction() async throws {
        try await execute("ROLLBACK")
        if foreignKeysDeferred.value { try await enforceForeignKeysAgain() }
    }

    /// Foreign keys off (possible only outside a transaction), then `BEGIN IMMEDIATE`; the
    /// commit runs `PRAGMA foreign_key_check` and fails on any violation.
    func beginTransactionDeferringForeignKeys() async throws {
        try await execute("PRAGMA foreign_keys = OFF")
        foreignKeysDeferred.value = true
        do {
            try await beginTransaction()
        } catch {
            try? await enforceForeignKeysAgain()
            throw error
        }
    }

    private func enforceForeignKeysAgain() async throws {
        foreignKeysDeferred.value = false
        try await execute("PRAGMA foreign_keys = ON")
    }

    func tableExists(_ name: String) async throws -> Bool {
        let rows = try await query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)])
        return !rows.isEmpty
    }

    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition {
        // An in-memory database is private to this connection: nobody else can migrate it.
        guard let lock else { return .acquired }
        return try await lock.acquire(timeout: timeout)
    }

    func releaseMigrationLock(key: String) async throws {
        lock?.release()
    }

    func close() async {
        lock?.release()
        try? await connection.close()
    }

    private static func sqliteData(_ value: DatabaseValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .integer(let value): .integer(SQLiteInt64(value))
        case .double(let value): .float(value)
        case .text(let value): .text(value)
        case .timestamp(let date): .text(ISO8601Timestamp.format(date))
        }
    }

    private static func databaseValue(_ data: SQLiteData) -> DatabaseValue {
        switch data {
        case .null: .null
        case .integer(let value): .integer(Int64(value))
        case .float(let value): .double(value)
        case .text(let value): .text(value)
        case .blob(let buffer): .text(String(buffer: buffer))
        }
    }

    static func databaseError(_ error: any Error) -> DatabaseError {
        if let error = error as? SQLiteError {
            return DatabaseError(message: error.message, code: "SQLITE_\(String(describing: error.reason).uppercased())")
        }
        return DatabaseError(message: String(describing: error))
    }
}

/// A flag shared between the tasks that use one connection (one at a time).
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    /// The flag's value.
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
