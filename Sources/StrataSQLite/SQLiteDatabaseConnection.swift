import Foundation
import Strata

/// A ``DatabaseConnection`` over one SQLite connection on a thread of its own.
///
/// The C calls run synchronously on that thread, and a run prefers it as its task
/// executor (``preferredTaskExecutor``), so a migration's statements — begin, the
/// migration's own, the history row, commit — follow one another without a thread switch.
///
/// Transactions are `BEGIN IMMEDIATE`, so a migration takes SQLite's write lock as it
/// starts rather than failing half-way with `SQLITE_BUSY`. The migration lock is an
/// `flock` on `DATABASE.strata-lock` next to the database file: it spans a whole run (many
/// transactions, and `transaction:false` sections that must run outside any).
final class SQLiteDatabaseConnection: DatabaseConnection {
    private let handle: SQLiteHandle
    private let thread: ConnectionThread
    let storage: String
    private let lock: FileLock?
    /// `false` for the empty in-memory database that stands in, for reading, for a file that
    /// does not exist yet.
    let databaseExists: Bool
    private let foreignKeysDeferred = LockedFlag()
    /// Whether ``prepareForChanges()`` switched the journal to `TRUNCATE`.
    private let journalTruncated = LockedFlag()

    var dialect: any SQLDialect { SQLiteDialect() }

    /// The connection's own thread.
    var preferredTaskExecutor: (any TaskExecutor)? { thread }

    private init(handle: SQLiteHandle, thread: ConnectionThread, storage: String, lock: FileLock?, databaseExists: Bool) {
        self.handle = handle
        self.thread = thread
        self.storage = storage
        self.lock = lock
        self.databaseExists = databaseExists
    }

    /// An empty in-memory database that reads as the database file `missing`, which does not
    /// exist yet: reading it creates nothing, and it reports ``databaseExists`` as `false`.
    static func standIn(for missing: String) async throws -> SQLiteDatabaseConnection {
        try await open(storage: ":memory:", databaseExists: false)
    }

    /// Opens `storage` (a path or `:memory:`).
    static func open(storage: String, databaseExists: Bool = true) async throws -> SQLiteDatabaseConnection {
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
        let thread = ConnectionThread(name: "strata-sqlite")
        let handle: SQLiteHandle
        do {
            handle = try await withTaskExecutorPreference(thread) { try SQLiteHandle(path: storage) }
        } catch {
            thread.shutdown()
            throw StrataError(.failure, "Cannot open SQLite database \(storage): \((error as? DatabaseError)?.message ?? "\(error)").",
                              hint: "Check the path in strata.yml and that its directory is writable.")
        }
        let opened = SQLiteDatabaseConnection(
            handle: handle, thread: thread, storage: storage,
            lock: isMemory ? nil : FileLock(path: storage + ".strata-lock"), databaseExists: databaseExists
        )
        do {
            // Wait for other writers rather than failing at once; enforce foreign keys.
            try await opened.execute("PRAGMA busy_timeout = 10000")
            try await opened.execute("PRAGMA foreign_keys = ON")
            // Reads the file's header: a file that is not an SQLite database is named here,
            // for every command alike, before anything reads or writes it.
            _ = try await opened.query("PRAGMA schema_version", [])
        } catch {
            await opened.close()
            throw StrataError(.failure, "Cannot use SQLite database \(storage): \((error as? DatabaseError)?.message ?? "\(error)").",
                              hint: "Check that \(storage) is an SQLite database and that the environment points at the right file. Nothing was changed.")
        }
        return opened
    }

    func execute(_ sql: String) async throws {
        _ = try await query(sql, [])
    }

    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow] {
        // Already on the connection's thread in a run: no switch.
        try await withTaskExecutorPreference(thread) { try handle.query(sql, binds) }
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
        let rows = try await query("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [.text(name)])
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

    func migrationLockHolder(key: String) async throws -> String? {
        lock?.holder()
    }

    /// A run that changes the database commits in `TRUNCATE` journal mode, where the
    /// database uses SQLite's default `DELETE`, so that a migration reported as applied stays
    /// applied through a power loss. In `DELETE` mode a commit is the deletion of the
    /// rollback journal, and at `synchronous = FULL` that deletion is not synced: a power
    /// loss right after it can bring the journal back and roll the migration back. In
    /// `TRUNCATE` mode the commit truncates the journal and syncs it: one `fsync` more, no file
    /// created and deleted per commit, and no slower here (docs/benchmarks.md). The
    /// mode belongs to this connection only, and ``close()`` sets `DELETE` back, which
    /// removes the emptied journal. A database in another mode (`WAL`, say) keeps it.
    ///
    /// A database SQLite cannot read fails at the history table, whose error says what to
    /// check, not here.
    func prepareForChanges() async throws {
        guard (try? await query("PRAGMA journal_mode", []))?.first?["journal_mode"].text == "delete" else { return }
        let mode = (try? await query("PRAGMA journal_mode = TRUNCATE", []))?.first?["journal_mode"].text
        journalTruncated.value = mode == "truncate"
    }

    func close() async {
        if journalTruncated.value {
            // Best effort, without waiting: if another connection is writing, the empty
            // journal stays, which SQLite ignores.
            _ = try? await query("PRAGMA busy_timeout = 0", [])
            _ = try? await query("PRAGMA journal_mode = DELETE", [])
            journalTruncated.value = false
        }
        lock?.release()
        await withTaskExecutorPreference(thread) { handle.close() }
        thread.shutdown()
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
