import Foundation
import Logging
import Strata
import Testing

/// `strata lint` against real databases: only migrations not yet applied, tables they create
/// counted as new, findings with file and line, JSON; the generated templates pass it.
@Suite struct LintCommandTests {
    @Test(arguments: TestDatabase.all)
    func lintChecksWhatIsNotAppliedAndKnowsTheTablesItCreates(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try db.project([("20250101000001", "create-users", "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));")])
        defer { project.remove() }
        let migrated = try await db.strata(["migrate"], in: project)
        #expect(migrated.status == 0, "\(migrated)")
        let folder = project.path + "/db/migrations"
        try "-- migrate:up\nALTER TABLE users DROP COLUMN email;\n-- migrate:down\nSELECT 1;\n"
            .write(toFile: folder + "/20250101000002-drop-email.sql", atomically: true, encoding: .utf8)
        try "-- migrate:up\nCREATE TABLE tags (id INTEGER PRIMARY KEY, name VARCHAR(50));\nCREATE UNIQUE INDEX tags_name ON tags (name);\n-- migrate:down\nDROP TABLE tags;\n"
            .write(toFile: folder + "/20250101000003-create-tags.sql", atomically: true, encoding: .utf8)

        let lint = try await db.strata(["lint"], in: project)
        #expect(lint.status == 1, "\(lint)")
        #expect(lint.stdout.contains("db/migrations/20250101000002-drop-email.sql:2: error ST102 drop-column: Dropping column users.email"), "\(lint)")
        #expect(lint.stdout.contains("   Instead: Stop reading and writing the column"), "\(lint)")
        #expect(!lint.stdout.contains("ST502") && !lint.stdout.contains("create-users"), "a new table's index and an applied migration are not findings: \(lint)")
        #expect(lint.stdout.contains("in 2 migrations not yet applied."), "\(lint)")

        let json = try await db.strata(["lint", "--json"], in: project)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let findings = try #require(object?["findings"] as? [[String: Any]], "\(json)")
        let drop = try #require(findings.first { $0["code"] as? String == "ST102" }, "\(json)")
        #expect(drop["severity"] as? String == "error" && drop["line"] as? Int == 2 && drop["file"] as? String == "db/migrations/20250101000002-drop-email.sql")
        #expect(object?["errors"] as? Int == findings.filter { $0["severity"] as? String == "error" }.count)

        // Files named explicitly, applied or not.
        let applied = try await db.strata(["lint", "db/migrations/20250101000001-create-users.sql"], in: project)
        #expect(applied.status == 0 && applied.stdout.contains("No findings in 1 migration."), "\(applied)")
        let stranger = try await db.strata(["lint", "strata.yml"], in: project)
        #expect(stranger.status == 2 && stranger.stderr.contains("strata.yml is not a migration"), "\(stranger)")
        // Lint reads; it never changes the database.
        let status = try await db.strata(["status", "--exit-code"], in: project)
        #expect(status.status == 3, "\(status)")
    }

    @Test(arguments: TestDatabase.all)
    func theGeneratedTemplatesPassTheLinterAndRun(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try db.project([])
        defer { project.remove() }
        let created = try await db.strata(["generate", "create-widgets", "--template", "create-table"], in: project)
        #expect(created.status == 0, "\(created)")
        let first = try await db.strata(["lint"], in: project)
        #expect(first.status == 0 && first.stdout.contains("No findings in 1 migration not yet applied."), "\(first)")
        #expect(try await db.strata(["migrate"], in: project).status == 0)
        let modified = try await db.strata(["generate", "add-color-to-widgets", "--template", "modify-table"], in: project)
        #expect(modified.status == 0, "\(modified)")
        let second = try await db.strata(["lint"], in: project)
        #expect(second.status == 0 && second.stdout.contains("No findings in 1 migration not yet applied."), "\(second)")
        let applied = try await db.strata(["migrate"], in: project)
        #expect(applied.status == 0, "\(applied)")
        // Its down and its up again: on MySQL their guards read information_schema (MySQL 8
        // has no ADD COLUMN IF NOT EXISTS), which MariaDB runs too.
        let undone = try await db.strata(["undo"], in: project)
        #expect(undone.status == 0, "\(undone)")
        #expect(try await db.strata(["migrate"], in: project).status == 0)
        let columns = try await db.query("SELECT color FROM widgets")
        #expect(columns.isEmpty)
    }
}

/// A Swift migration that drops a column of a table that exists.
private struct DropUserEmail: Migration {
    let id = "20250601000000-drop-user-email"
    func up(_ schema: Schema) async throws { try await schema.removeColumn("email", from: "users") }
    func down(_ schema: Schema) async throws { try await schema.addColumn(Column("email", .string(length: 100)), to: "users") }
}

@Suite struct SwiftMigrationLintTests {
    @Test(arguments: TestDatabase.all)
    func aSwiftMigrationIsLintedThroughTheSQLItRenders(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        _ = try await engine.driver.createDatabase(db.settings, logger: Logger(label: "test"))
        _ = try await db.query("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100))")
        let migrations = try await MigrationRegistry(unlocated: [DropUserEmail()]).load()
        let connection = try await db.connect()
        let sections = try await connection.closeAfter { await MigrationLinter.Section.sections(of: migrations, renderingOver: connection) }
        #expect(sections.first?.statements.isEmpty == false)
        let schema = try await SchemaSnapshot.read(db.settings, driver: engine.driver, logger: Logger(label: "test"))
        let findings = MigrationLinter(dialect: engine.driver.dialect, schema: schema).lint(sections)
        #expect(findings.contains { $0.code == .dropColumn && $0.migration.description == "20250601000000-drop-user-email" },
                "\(sections.first?.statements.map(\.text) ?? []) → \(findings.map(\.message))")
        #expect(!findings.contains { $0.code == .dropTable }, "a table rebuild is not a dropped table: \(findings.map(\.message))")
    }
}
