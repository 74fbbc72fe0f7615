import Foundation
import Logging
import Strata
import Testing

/// `generate --from-schema --swift` on every engine: for each kind of change to the declared
/// schema, the Swift migration written applies, its rollback is proven exact by the
/// verifier, and after it the migrations build the declared schema exactly. What happens to
/// tables is said in the Schema API; only what the API cannot say exactly keeps its SQL.
@Suite struct SwiftModelGenerationTests {
    /// What the Swift of each change of ``ModelGenerationTests/changes`` must say, by its description.
    static func says(_ change: String, on engine: String) -> [String] {
        switch change {
        case "a new table with indexes and a foreign key":
            [
                #"try await schema.createTable("posts") {"#, #"Column("user_id", .integer).notNull()"#,
                // MariaDB names its default, `onUpdate: .restrict`, in between.
                #"ForeignKey(["user_id"], references: "users", onDelete: .cascade"#, #"name: "posts_user_fk")"#,
                #"Unique("title", name: "idx_posts_title")"#, #"try await schema.addIndex(on: "posts", ["user_id"], name: "idx_posts_user")"#,
                #"try await schema.dropTable("posts")"#,
            ]
        case "a column added": [#"try await schema.addColumn(Column("email", .string(length: 255)), to: "users")"#]
        case "a column dropped": [#"try await schema.removeColumn("note", from: "users")"#]
        case "a column made NOT NULL": [#"try await schema.changeColumn(Column("age", .integer).notNull(), in: "users")"#]
        case "a generated column added": ["double_age", #"try await schema.removeColumn("double_age", from: "users")"#]
        case "a column given a default": [#"try await schema.changeColumn(Column("age", .integer).defaults(to: .integer(18)), in: "users")"#]
        case "a column's type widened": [#"try await schema.changeColumn(Column("name", .string(length: 200)).notNull(), in: "users")"#]
        case "an index added and one removed":
            [#"try await schema.addIndex(on: "users", ["age"], name: "idx_users_age")"#, #"try await schema.removeIndex("idx_users_name", on: "users")"#]
        case "an enum value added":
            engine == "postgres" ? ["ADD VALUE 'happy'"]
                : [#"try await schema.changeColumn(Column("mood", .enum(["sad", "ok", "happy"])), in: "users")"#]
        case "a view changed": ["try await schema.execute(", "21"]
        case "a marked rename": [#"try await schema.renameColumn("note", to: "remark", in: "users")"#]
        case "an unmarked rename": ["// Possibly a rename of users.note to remark"]
        default: []
        }
    }

    /// Whether a step may keep its SQL: views (no API for them), PostgreSQL's enum type
    /// (`ADD VALUE`), a generated column, and MariaDB's `TEXT` (the API's `.text` is `LONGTEXT` there).
    static func mayKeepSQL(_ step: ModelComparison.GeneratedSwiftMigration.Step, change: String, engine: String) -> Bool {
        step.comment.contains(" view ") || step.comment.contains(" type ") || change == "a generated column added"
            || (engine == "mysql" && ["a column dropped", "an unmarked rename"].contains(change))
    }

    @Test(arguments: TestDatabase.all, ModelGenerationTests.changes)
    func theSwiftMigrationBuildsTheDeclaredSchemaAndRollsBackExactly(engine: TestDatabase, change: ModelGenerationTests.Change) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try ModelGenerationTests.writeBase(db)
        let model = change.edit(ModelGenerationTests.baseSchema(engine))

        let generated = try #require(try await ModelGenerationTests.comparison(db, model: model).swiftMigration())
        let id = try MigrationID(parsing: "20250101000002-change")
        let source = generated.source(id: id, typeName: "Change")
        for text in Self.says(change.description, on: engine.description) { #expect(source.contains(text), "\(change) on \(engine):\n\(source)") }
        for step in generated.stepsKeepingSQL {
            #expect(Self.mayKeepSQL(step, change: change.description, engine: engine.description), "\(change) on \(engine): \(step.comment) kept its SQL")
        }
        #expect(source.contains("struct Change: Migration {\n    let id = \"20250101000002-change\""))

        // It applies, its down restores the schema exactly, and after it the migrations build
        // the declared schema: nothing more to write.
        let migration = try await Self.expectExact(generated, after: db, model: try ModelGenerationTests.comparison(db, model: model).model)

        // `strata lint` flags its dangerous steps like any other migration's.
        if change.description == "a column dropped" {
            _ = try await db.migrator().migrate()
            let connection = try await db.connect()
            let sections = try await connection.closeAfter { await MigrationLinter.Section.sections(of: [migration], renderingOver: connection) }
            let schema = try await SchemaSnapshot.read(db.settings, driver: engine.driver, logger: Logger(label: "test"))
            let findings = MigrationLinter(dialect: engine.driver.dialect, schema: schema).lint(sections)
            #expect(findings.contains { $0.code == .dropColumn }, "\(findings.map(\.message))")
        }
    }

    /// The proof catches what the API says inexactly: on MariaDB the API's `.text` is
    /// `LONGTEXT`, so a `TEXT` column made again by `down` would differ; that step keeps its SQL.
    @Test(arguments: TestDatabase.all.filter { $0.description == "mysql" })
    func aStepWhoseChangesMissTheSchemaKeepsItsSQL(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-notes", up: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, title VARCHAR(50));",
                     down: "DROP TABLE notes;")
        let model = "CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(50));"
        let generated = try #require(try await ModelGenerationTests.comparison(db, model: model).swiftMigration())
        let up = try #require(generated.up.first { $0.comment == "Alter table notes" })
        let down = try #require(generated.down.first { $0.comment == "Alter table notes" })
        #expect(!up.keepsSQL)
        #expect(up.changes == [.removeColumn("body", table: "notes", ifExists: false)])
        #expect(down.keepsSQL)
        #expect(down.changes.map(\.summary) == ["execute ALTER TABLE `notes` ADD COLUMN `body` text DEFAULT NULL"], "\(down.changes)")
        let source = generated.source(id: try MigrationID(parsing: "20250101000002-drop-body"), typeName: "DropBody")
        #expect(source.contains("1 of its steps are SQL for mysql"), "\(source)")
        #expect(source.contains("// (SQL for mysql: the Schema API cannot say this step exactly.)"), "\(source)")
    }

    /// A partial index keeps its condition (`where:`), which the snapshot now compares; an
    /// index of an expression keeps its SQL. Both roll back exactly.
    @Test(arguments: TestDatabase.all.filter { $0.description != "mysql" })
    func partialIndexesKeepTheirConditionAndExpressionIndexesTheirSQL(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-people", up: "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(50), age INTEGER);",
                     down: "DROP TABLE people;")
        let table = "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(50), age INTEGER);\n"

        // A partial index: its condition is in the snapshot, and in the Swift.
        let partial = try ModelGenerationTests.comparison(db, model: table + "CREATE INDEX people_adults ON people (age) WHERE age >= 18;")
        let condition = try #require(try await partial.differences().map(\.object).first { $0.name == "people.people_adults" })
        #expect(condition.definition.contains("where") && condition.definition.contains("18"), "\(condition)")
        let indexed = try #require(try await partial.swiftMigration())
        #expect(indexed.stepsKeepingSQL.isEmpty)
        let addition = indexed.up.flatMap(\.changes).compactMap { change -> Index? in if case .addIndex(let index, _, _) = change { index } else { nil } }
        #expect(addition.map(\.name) == ["people_adults"])
        #expect(addition.first?.predicate?.contains("age >= 18") == true, "\(addition)")
        try await Self.expectExact(indexed, after: db, model: partial.model)

        // An index of an expression: in the snapshot with its expression, and kept as SQL.
        let lowered = try ModelGenerationTests.comparison(db, model: table + "CREATE INDEX people_lower_name ON people (lower(name));")
        let expression = try #require(try await lowered.differences().map(\.object).first { $0.name == "people.people_lower_name" })
        #expect(expression.definition.contains("lower") || expression.definition.contains("(expression)"), "\(expression)")
        let kept = try #require(try await lowered.swiftMigration())
        #expect(kept.stepsKeepingSQL.map(\.comment) == ["Add the new indexes and constraints of table people"])
        #expect(kept.down.flatMap(\.changes) == [.removeIndex("people_lower_name", table: "people", concurrently: false, ifExists: false)])
        try await Self.expectExact(kept, after: db, model: lowered.model)
    }

    /// After `generated` (as migration 20250101000002), the migrations build `model` (nothing
    /// more to generate), and the verifier finds every rollback exact; returns it loaded.
    @discardableResult
    static func expectExact(_ generated: ModelComparison.GeneratedSwiftMigration, after db: FreshDatabase, model: DeclaredSchema) async throws -> LoadedMigration {
        let migration = try await generated.loaded(id: try MigrationID(parsing: "20250101000002-generated"))
        let base = try MigrationDirectory(path: db.migrationsPath, syntax: db.engine.driver.dialect.syntax).load()
        let after = ModelComparison(migrations: base + [migration], model: model, driver: db.engine.driver, settings: db.settings, logger: Logger(label: "test"))
        #expect(try await after.differences().isEmpty)
        #expect(try await after.swiftMigration() == nil)
        let report = try await db.engine.driver.withScratchDatabase(beside: db.settings, logger: Logger(label: "test")) { scratch in
            try await RollbackVerifier(migrations: base + [migration], driver: db.engine.driver, scratch: scratch, logger: Logger(label: "test")).verify()
        }
        #expect(report.allExact, "\(report.checks.flatMap(\.findings)) in\n\(generated.source(id: migration.id, typeName: "Generated"))")
        return migration
    }

    /// `strata generate NAME --from-schema --swift --output DIR` writes the migration in the
    /// Schema API and registers it; `--dry-run` prints it and writes nothing.
    @Test(arguments: TestDatabase.all)
    func theCommandWritesAndRegistersTheSwiftMigration(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try VerifyTests.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);", "DROP TABLE items;"),
        ])
        defer { project.remove() }
        try "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, price INTEGER NOT NULL DEFAULT 0);\n"
            .write(toFile: project.path + "/db/model.sql", atomically: true, encoding: .utf8)
        let output = project.path + "/Sources/Migrate/Migrations"
        let files = { (try? FileManager.default.contentsOfDirectory(atPath: output).sorted()) ?? [] }

        let dry = try await db.strata(["generate", "add-price", "--from-schema", "--swift", "--output", output, "--dry-run"], in: project)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("struct AddPrice: Migration {"), "\(dry)")
        #expect(dry.stdout.contains(#"try await schema.addColumn(Column("price", .integer).notNull().defaults(to: .integer(0)), to: "items")"#), "\(dry)")
        #expect(dry.stdout.contains(#"try await schema.removeColumn("price", from: "items")"#), "\(dry)")
        #expect(files().isEmpty)

        let written = try await db.strata(["generate", "add-price", "--from-schema", "--swift", "--output", output], in: project)
        #expect(written.status == 0, "\(written)")
        #expect(written.stdout.contains("1 changes up, 1 down; applied and rolled back on a scratch database"), "\(written)")
        let names = files()
        #expect(names.count == 2 && names.contains("Migrations.swift") && names.contains { $0.hasSuffix("-add-price.swift") }, "\(names)")
        let registry = try String(contentsOfFile: output + "/Migrations.swift", encoding: .utf8)
        #expect(registry.contains("    AddPrice(),"), "\(registry)")
        #expect(try String(contentsOfFile: "\(output)/\(names.first { $0.hasSuffix("-add-price.swift") } ?? "")", encoding: .utf8)
            .contains("struct AddPrice: Migration {"))

        // --swift needs the directory of the Swift migrations.
        let bare = try await db.strata(["generate", "add-price", "--from-schema", "--swift"], in: project)
        #expect(bare.status == 2, "\(bare)")
        #expect(bare.stderr.contains("--swift needs --output DIR"), "\(bare)")
    }
}
