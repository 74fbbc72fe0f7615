import Foundation
import Logging
import Strata
import StrataSQLite
import Testing

/// What is SQLite's own: the journal mode a run commits in, and a run meeting another
/// program's write lock.
@Suite struct SQLiteTests {
    private func journalMode(_ connection: any DatabaseConnection) async throws -> String? {
        try await connection.query("PRAGMA journal_mode", []).first?["journal_mode"].text
    }

    @Test func aChangingRunCommitsInTruncateModeAndLeavesNoJournalBehind() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let storage = try #require(db.settings.storage)
        let journal = storage + "-journal"

        let connection = try await db.connect()
        try await connection.prepareForChanges()
        #expect(try await journalMode(connection) == "truncate")
        try await connection.beginTransaction()
        try await connection.execute("CREATE TABLE kept (id INTEGER)")
        try await connection.commitTransaction()
        // Committed by truncating the journal, not deleting it.
        let attributes = try FileManager.default.attributesOfItem(atPath: journal)
        #expect(attributes[.size] as? Int == 0)
        await connection.close()
        #expect(!FileManager.default.fileExists(atPath: journal))

        let reopened = try await db.connect()
        #expect(try await journalMode(reopened) == "delete")
        #expect(try await reopened.tableExists("kept"))
        await reopened.close()

        // The same through a whole run.
        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        try db.write("20250101000002", "two", up: "CREATE TABLE two (id INTEGER);", down: "DROP TABLE two;")
        #expect(try await db.migrator().migrate().count == 2)
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(try await db.historyVersions() == ["20250101000001", "20250101000002"])
    }

    @Test func aRunEndingWhileAnotherConnectionWritesLeavesBothCommitsIntact() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let run = try await db.connect()
        try await run.prepareForChanges()
        try await run.beginTransaction()
        try await run.execute("CREATE TABLE from_run (id INTEGER)")
        try await run.commitTransaction()

        // Another writer holds the database while the run closes: the journal mode cannot be
        // set back then, and closing does not wait for it.
        let writer = try await db.connect()
        try await writer.beginTransaction()
        try await writer.execute("CREATE TABLE from_writer (id INTEGER)")
        await run.close()
        try await writer.commitTransaction()
        await writer.close()

        let reopened = try await db.connect()
        #expect(try await reopened.tableExists("from_run"))
        #expect(try await reopened.tableExists("from_writer"))
        #expect(try await journalMode(reopened) == "delete")
        #expect(try await reopened.query("PRAGMA integrity_check", []).first?["integrity_check"].text == "ok")
        await reopened.close()
    }

    @Test func aDatabaseInWALModeKeepsIt() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let setUp = try await db.connect()
        #expect(try await setUp.query("PRAGMA journal_mode = WAL", []).first?["journal_mode"].text == "wal")
        await setUp.close()

        let connection = try await db.connect()
        try await connection.prepareForChanges()
        #expect(try await journalMode(connection) == "wal")
        await connection.close()

        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);", down: "DROP TABLE one;")
        #expect(try await db.migrator().migrate().count == 1)
        let reopened = try await db.connect()
        #expect(try await journalMode(reopened) == "wal")
        #expect(try await reopened.tableExists("one"))
        await reopened.close()
    }

    /// When the transaction around the bookkeeping tables cannot start — on SQLite, another
    /// program holds the database's write lock past the busy timeout — the run fails naming
    /// both tables, creates neither and applies nothing, and the next run does it all.
    @Test func theBookkeepingTransactionsFailureNamesBothTablesAndCreatesNeither() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-one", up: "CREATE TABLE one (id INTEGER PRIMARY KEY);", down: "DROP TABLE one;")
        let writer = try await db.connect()
        defer { Task { await writer.close() } }
        try await writer.execute("CREATE TABLE app_data (id INTEGER)")
        try await writer.beginTransaction()  // BEGIN IMMEDIATE: the write lock, held

        let error = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(error?.message.contains("Cannot create the history and progress tables strata_migrations, strata_migrations_progress in one transaction") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("database is locked") == true, "the database's own reason")
        #expect(error?.hint?.contains("Nothing was created and no migration was run") == true, "\(error?.hint ?? "")")
        try await writer.rollbackTransaction()
        #expect(try await !writer.tableExists("strata_migrations"))
        #expect(try await !writer.tableExists("one"))

        try await db.migrator().migrate()
        #expect(try await db.historyVersions() == ["20250101000001"])
    }
}
