import Logging

/// One open connection to a database: the small set of verbs a driver implements.
///
/// Drivers hold no migration logic; the planner and runner in core do all of it.
/// Errors a driver throws from ``execute(_:)`` and ``query(_:_:)`` should be
/// ``DatabaseError``s carrying everything the database said.
public protocol DatabaseConnection: AnyObject, Sendable {
    /// The SQL dialect spoken over this connection.
    var dialect: any SQLDialect { get }

    /// Runs one statement that returns no rows.
    func execute(_ sql: String) async throws
    /// Runs one statement with bind values and returns its rows.
    func query(_ sql: String, _ binds: [DatabaseValue]) async throws -> [DatabaseRow]

    /// Runs `statements`, with their binds, in order, stopping at the first that fails. A
    /// driver may send them together, in one round trip to the server; the default runs
    /// them one at a time. Strata writes its history and progress rows this way.
    func executeAll(_ statements: [SQLStatement]) async throws

    /// Runs `statements` in order and commits them: in the transaction in progress, or, when
    /// `startingTransaction` is true, in one this call starts. With `beginningNext`, the
    /// commit also starts the next transaction (see ``commitAndBeginTransaction()``). A driver
    /// may send the whole sequence in one round trip; the default sends the begin, each
    /// statement and the commit in turn. When a statement or the commit fails, the error is
    /// thrown and a transaction may still be open: the caller rolls it back. Strata records
    /// each finished migration this way.
    func executeAllAndCommit(_ statements: [SQLStatement], startingTransaction: Bool, beginningNext: Bool) async throws

    /// Starts a transaction.
    func beginTransaction() async throws
    /// Commits the transaction in progress.
    func commitTransaction() async throws
    /// Commits the transaction in progress and starts the next one, as
    /// ``commitTransaction()`` then ``beginTransaction()`` would. A driver may do both in one
    /// step — PostgreSQL's `COMMIT AND CHAIN` saves a round trip per migration when a run
    /// applies several; the default commits, then begins.
    func commitAndBeginTransaction() async throws
    /// Rolls back the transaction in progress.
    func rollbackTransaction() async throws
    /// Starts a transaction in which foreign keys are checked only when it commits (and
    /// the commit fails if any is violated), for changes such as SQLite's table rebuild
    /// that pass through states a foreign key would refuse. Where the database needs no
    /// such thing, the default is ``beginTransaction()``.
    func beginTransactionDeferringForeignKeys() async throws

    /// Whether a table called `name` exists (in the schema Strata works in); a view counts.
    func tableExists(_ name: String) async throws -> Bool
    /// Which of the tables called `names` exist (in the schema Strata works in). A driver may
    /// ask in one query; the default asks ``tableExists(_:)`` for each. `status` asks this
    /// for the history and progress tables before reading them.
    func existingTables(_ names: [String]) async throws -> Set<String>

    /// Takes the database-wide migration lock, waiting at most `timeout`.
    ///
    /// `key` identifies the lock (Strata derives it from the history table); drivers may
    /// combine it with the database's own identity.
    func acquireMigrationLock(key: String, timeout: Duration) async throws -> LockAcquisition
    /// Releases the lock taken by ``acquireMigrationLock(key:timeout:)``.
    func releaseMigrationLock(key: String) async throws

    /// Who holds the lock `key` now, described, or `nil` if nobody does (or the driver cannot
    /// tell). Reads only: `status` asks it to tell a migration being run from a dirty one.
    func migrationLockHolder(key: String) async throws -> String?

    /// Throws when the lock taken by ``acquireMigrationLock(key:timeout:)`` may no longer be
    /// held — the connection that holds it closed, a lease could not be renewed — so that
    /// the run stops before it commits anything more. A run asks before each migration and
    /// before each commit. By default the lock lives as long as this connection, whose loss
    /// every statement reports anyway.
    func checkMigrationLockHeld() async throws

    /// Throws a ``StrataError`` (configuration) when the server this connection reached must
    /// not be changed by Strata: a read-only standby, or an engine whose locks Strata cannot
    /// rely on. Every command that changes the database asks before it takes the lock, as
    /// does a dry run of one; reading commands never ask. By default any server may be changed.
    func checkServerAcceptsChanges() async throws

    /// Throws a ``StrataError`` (configuration) when `statement` cannot run faithfully over
    /// this connection — in a transaction (`inTransaction`) or outside one — for example a
    /// session setting sent through a transaction-pooling proxy, which would reach another
    /// client. A run asks for each statement of its plan when the plan is made, before the
    /// lock, so a refusal changes nothing (a Swift migration's statements, known only as it
    /// runs, are asked then). By default every statement may run.
    func checkStatementRunnable(_ statement: SQLStatement, inTransaction: Bool) throws

    /// Makes the place Strata works in ready for changes — for example creates the configured
    /// schema. Called by runs that change the database, after taking the lock and before
    /// creating the history table. Read-only commands never call it.
    func prepareForChanges() async throws

    /// Whether the database exists. `false` only for a connection opened for
    /// ``ConnectionPurpose/read`` to a database that does not exist yet, which reads as an
    /// empty one and must not be used to change anything (the default is `true`).
    var databaseExists: Bool { get }

    /// Closes the connection. Further calls fail.
    func close() async

    /// Where a run over this connection should execute, if the driver has a preference: for
    /// a connection served by one event-loop thread, running there saves a thread switch on
    /// every statement. `nil` (the default) runs on Swift's global executor.
    var preferredTaskExecutor: (any TaskExecutor)? { get }
}

extension DatabaseConnection {
    /// One statement at a time by default.
    public func executeAll(_ statements: [SQLStatement]) async throws {
        for statement in statements {
            if statement.binds.isEmpty {
                try await execute(statement.text)
            } else {
                _ = try await query(statement.text, statement.binds)
            }
        }
    }

    /// Begin, statements and commit one at a time by default.
    public func executeAllAndCommit(_ statements: [SQLStatement], startingTransaction: Bool, beginningNext: Bool) async throws {
        if startingTransaction { try await beginTransaction() }
        try await executeAll(statements)
        if beginningNext {
            try await commitAndBeginTransaction()
        } else {
            try await commitTransaction()
        }
    }

    /// Commit, then begin, by default.
    public func commitAndBeginTransaction() async throws {
        try await commitTransaction()
        try await beginTransaction()
    }

    /// One ``tableExists(_:)`` per name by default.
    public func existingTables(_ names: [String]) async throws -> Set<String> {
        var existing = Set<String>()
        for name in names where try await tableExists(name) {
            existing.insert(name)
        }
        return existing
    }

    /// A plain transaction by default.
    public func beginTransactionDeferringForeignKeys() async throws { try await beginTransaction() }

    /// Nothing to prepare by default.
    public func prepareForChanges() async throws {}

    /// Nobody can be told to hold the lock by default.
    public func migrationLockHolder(key: String) async throws -> String? { nil }

    /// The lock lives as long as the connection by default.
    public func checkMigrationLockHeld() async throws {}

    /// Any server may be changed by default.
    public func checkServerAcceptsChanges() async throws {}

    /// Every statement may run by default.
    public func checkStatementRunnable(_ statement: SQLStatement, inTransaction: Bool) throws {}

    /// No preference by default.
    public var preferredTaskExecutor: (any TaskExecutor)? { nil }

    /// A connection's database exists by default.
    public var databaseExists: Bool { true }

    /// Runs `body`, then closes the connection, whether `body` returned or threw.
    public func closeAfter<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}

/// The outcome of waiting for the migration lock.
public enum LockAcquisition: Sendable, Hashable {
    /// The lock is held by this connection.
    case acquired
    /// The timeout passed; `holder` describes who holds the lock, when the database can tell.
    case timedOut(holder: String?)
}

/// Opens connections for the dialects it supports. The command-line tool is given a list
/// of drivers and picks the one that supports the environment's dialect.
public protocol DatabaseDriver: Sendable {
    /// The dialect names this driver connects to, e.g. `["sqlite"]`.
    var dialects: Set<String> { get }
    /// The SQL dialect, known without connecting (to split files and render templates).
    var dialect: any SQLDialect { get }
    /// The SQL dialect for the database `settings` describe, known without connecting:
    /// ``dialect`` unless the settings choose among the servers it speaks to (MySQL's
    /// `flavor`).
    /// - Throws: ``StrataError`` (configuration) for a choice the driver does not know.
    func dialect(for settings: ConnectionSettings) throws -> any SQLDialect
    /// Opens a connection described by `settings` for `purpose`; warnings (such as
    /// unverified TLS) go to `logger`.
    ///
    /// - Throws: ``StrataError`` naming the database and the likely cause.
    func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection

    /// Creates the database `settings` names (`strata db create`). Returns `false` if it
    /// already existed, which is not an error.
    func createDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool

    /// Drops the database `settings` names, with everything in it (`strata db drop`).
    /// Returns `false` if it did not exist, which is not an error.
    func dropDatabase(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool

    /// Whether the database `settings` names exists (with `schema:`, the schema too), asked
    /// without creating anything: `strata db prepare` builds a missing one.
    func databaseExists(_ settings: ConnectionSettings, logger: Logger) async throws -> Bool

    /// How to back up the database `settings` names (`strata backup`).
    func backupMethod(_ settings: ConnectionSettings, logger: Logger) throws -> BackupMethod

    /// How to restore a backup made by ``backupMethod(_:logger:)`` (`strata restore`).
    func restoreMethod(_ settings: ConnectionSettings, logger: Logger) throws -> RestoreMethod

    /// How to write the schema of the database `settings` names as SQL, and to run such SQL
    /// on it (`strata schema dump`, `load` and `check`).
    func schemaDumpMethod(_ settings: ConnectionSettings, logger: Logger) throws -> SchemaDumpMethod

    /// How to keep the database `settings` names as a template and clone it (`strata db
    /// reset`), or `nil` when the engine or the settings allow no such copy.
    func databaseTemplates(_ settings: ConnectionSettings, logger: Logger) -> DatabaseTemplates?

    /// A database of its own beside the one `settings` names, not created yet, with the
    /// same schema setting: where `strata schema check` loads a dump to read its snapshot.
    func scratchSettings(beside settings: ConnectionSettings) -> ConnectionSettings

    /// The kinds of tenant this dialect has inside one server, for `tenants:` with
    /// `schemas:` or `databases:`; empty when it has none (SQLite).
    var tenantScopes: Set<TenantScope> { get }

    /// The settings of the tenant `name`, a schema or database of `scope` (one of
    /// ``tenantScopes``) beside the environment's `settings`.
    func tenantSettings(_ name: String, scope: TenantScope, beside settings: ConnectionSettings) -> ConnectionSettings
}

/// What a connection is opened for.
public enum ConnectionPurpose: Sendable, Hashable {
    /// Reading only (`status`, `--dry-run`): a driver must not create anything, not even an
    /// empty database file.
    case read
    /// Migrating: the driver may create what it needs, such as SQLite's database file.
    case change
}

extension DatabaseDriver {
    /// ``dialect``: one server per dialect.
    public func dialect(for settings: ConnectionSettings) throws -> any SQLDialect { dialect }
}

extension DatabaseDriver {
    /// Opens a connection for changes.
    public func connect(_ settings: ConnectionSettings, logger: Logger) async throws -> any DatabaseConnection {
        try await connect(settings, for: .change, logger: logger)
    }
}
