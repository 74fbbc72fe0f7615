import Foundation
import Strata
import Testing

/// Resuming a dirty migration whose statement was running when its run stopped: that
/// statement may have run, so when it fails on resume the migration must stay dirty, with a
/// message that says so, and `--from-statement` must continue after it. On every engine, up
/// and down, through `transaction:false` sections (and on MySQL, through any migration).
@Suite struct ResumeConformanceTests {
    /// Makes the dirty record say the run stopped during or just after statement 1 with
    /// nothing recorded as done: what a run killed during statement 1 leaves behind.
    private func pretendTheRunStoppedDuringStatementOne(_ db: FreshDatabase) async throws {
        _ = try await db.query("UPDATE strata_migrations_progress SET statements_done = 0, failed_line = NULL, error = NULL")
    }

    private func dirtyRecord(_ db: FreshDatabase) async throws -> MigrationProgress? {
        try await db.migrator().status().first { $0.state == .dirty }?.progress
    }

    @Test(arguments: TestDatabase.all)
    func aStatementThatRanBeforeTheStopKeepsTheMigrationDirtyOnResume(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let down = "DROP TABLE k2;\nDROP TABLE k1;"
        // Statement 2 fails, so statement 1 ran and the migration is dirty; then the record is
        // set back as if the run had been killed during statement 1.
        try db.write("20250101000001", "three-steps", up: "CREATE TABLE k1 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\nCREATE TABLE k2 (id INTEGER);",
                     down: down, upOptions: "transaction:false", downOptions: "transaction:false")
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        try await pretendTheRunStoppedDuringStatementOne(db)
        try db.write("20250101000001", "three-steps", up: "CREATE TABLE k1 (id INTEGER);\nCREATE TABLE k3 (id INTEGER);\nCREATE TABLE k2 (id INTEGER);",
                     down: down, upOptions: "transaction:false", downOptions: "transaction:false")

        // Resuming runs statement 1 again: it fails because it ran. The record stays.
        let failed = await #expect(throws: StrataError.self) { try await db.migrator().migrate(.init(resume: true)) }
        #expect(failed?.message.contains("k1") == true, "\(failed?.message ?? "")")
        #expect(failed?.hint?.contains("resumed at statement 1, the one the run that stopped was running: it probably ran") == true,
                "\(failed?.hint ?? "")")
        #expect(failed?.hint?.contains("strata migrate --resume --from-statement 2") == true, "\(failed?.hint ?? "")")
        #expect(failed?.hint?.contains("Nothing of this migration was applied") == false)
        let kept = try #require(try await dirtyRecord(db))
        #expect(kept.statementsDone == 0)
        #expect(kept.failedLine == 2)
        #expect(try await db.historyVersions().isEmpty)
        // A plain migrate still refuses, as before the failed resume.
        let refused = await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        #expect(refused?.code == .refused)

        // --from-statement checks its number before anything runs.
        let beyond = await #expect(throws: StrataError.self) { try await db.migrator().migrate(.init(resume: true, resumeFromStatement: 4)) }
        #expect(beyond?.code == .configuration)
        #expect(beyond?.message.contains("has 3 statements") == true, "\(beyond?.message ?? "")")
        // Without --resume the migration is dirty, and refused as such (the command line
        // refuses --from-statement without --resume before it starts).
        let withoutResume = await #expect(throws: StrataError.self) { try await db.migrator().migrate(.init(resumeFromStatement: 2)) }
        #expect(withoutResume?.code == .refused, "\(withoutResume?.message ?? "")")
        #expect(try await dirtyRecord(db)?.statementsDone == 0)

        // Continuing after statement 1 finishes the migration.
        #expect(try await db.migrator().migrate(.init(resume: true, resumeFromStatement: 2)).count == 1)
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await dirtyRecord(db) == nil)
        for table in ["k1", "k2", "k3"] { #expect(try await db.hasTable(table), "\(table)") }

        // The same for undo: statement 1 (DROP TABLE k2) ran, statement 2 failed.
        _ = try await db.query("DROP TABLE k1")
        await #expect(throws: StrataError.self) { try await db.migrator().undo() }
        _ = try await db.query("CREATE TABLE k1 (id INTEGER)")
        try await pretendTheRunStoppedDuringStatementOne(db)
        let undoFailed = await #expect(throws: StrataError.self) { try await db.migrator().undo(resume: true) }
        #expect(undoFailed?.hint?.contains("strata undo --resume --from-statement 2") == true, "\(undoFailed?.hint ?? "")")
        #expect(try await dirtyRecord(db)?.direction == .down)
        #expect(try await db.historyVersions() == ["20250101000001"])
        #expect(try await db.migrator().undo(resume: true, resumeFromStatement: 2).count == 1)
        #expect(try await db.historyVersions().isEmpty)
        #expect(try await dirtyRecord(db) == nil)
        #expect(try await !db.hasTable("k1"))
    }

    /// A resumed migration that fails at a later statement stays dirty with its new progress:
    /// only a migration that ran nothing, and was not resumed, leaves no trace.
    @Test(arguments: TestDatabase.all)
    func aResumedMigrationFailingLaterRecordsHowFarItGot(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "steps", up: "CREATE TABLE s1 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\nINSERT INTO nowhere VALUES (2);",
                     upOptions: "transaction:false")
        await #expect(throws: StrataError.self) { try await db.migrator().migrate() }
        try db.write("20250101000001", "steps", up: "CREATE TABLE s1 (id INTEGER);\nCREATE TABLE s2 (id INTEGER);\nINSERT INTO nowhere VALUES (2);",
                     upOptions: "transaction:false")
        let failed = await #expect(throws: StrataError.self) { try await db.migrator().migrate(.init(resume: true)) }
        #expect(failed?.hint?.contains("2 of its 3 statements ran") == true, "\(failed?.hint ?? "")")
        let record = try #require(try await dirtyRecord(db))
        #expect(record.statementsDone == 2)
        #expect(record.failedLine == 4)
    }
}
