import Foundation
import Logging
import Strata
import Testing

/// `generate --from-schema` on every engine: for each kind of change to the declared schema,
/// the migration written applies, its rollback is proven exact by the verifier, and after it
/// the migrations build the declared schema exactly. Spelling alone makes no migration; a
/// declared schema that cannot be built is named by file and line.
@Suite struct ModelGenerationTests {
    /// A change to the declared schema: how the base schema's text is edited, and what the
    /// written migration must and must not say.
    struct Change: Sendable, CustomStringConvertible {
        let description: String
        let edit: @Sendable (String) -> String
        var says: @Sendable (TestDatabase) -> [String] = { _ in [] }
        var neverSays: [String] = []
    }

    static let changes: [Change] = [
        Change(description: "a new table with indexes and a foreign key", edit: {
            $0 + """

                CREATE TABLE posts (
                    id INTEGER NOT NULL PRIMARY KEY,
                    user_id INTEGER NOT NULL,
                    title VARCHAR(200) NOT NULL,
                    CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
                );
                CREATE INDEX idx_posts_user ON posts (user_id);
                CREATE UNIQUE INDEX idx_posts_title ON posts (title);
                """
        }, says: { _ in ["posts_user_fk", "idx_posts_title"] }),
        Change(description: "a column added", edit: { $0.replacing("    note TEXT,", with: "    note TEXT,\n    email VARCHAR(255),") }, says: { _ in ["email"] }),
        Change(description: "a column dropped", edit: { $0.replacing("    note TEXT,\n", with: "") }, says: { engine in
            engine.description == "sqlite" ? ["strata_rebuild_users"] : ["DROP COLUMN"]
        }),
        Change(description: "a column made NOT NULL", edit: { $0.replacing("    age INTEGER,", with: "    age INTEGER NOT NULL,") }),
        Change(description: "a generated column added", edit: {
            $0.replacing("    age INTEGER,", with: "    age INTEGER,\n    double_age INTEGER GENERATED ALWAYS AS (age * 2) STORED,")
        }, says: { _ in ["double_age"] }),
        Change(description: "a column given a default", edit: { $0.replacing("    age INTEGER,", with: "    age INTEGER DEFAULT 18,") }, says: { _ in ["18"] }),
        Change(description: "a column's type widened", edit: { $0.replacing("name VARCHAR(100)", with: "name VARCHAR(200)") }, says: { _ in ["200"] }),
        Change(description: "an index added and one removed", edit: {
            $0.replacing("CREATE INDEX idx_users_name ON users (name);", with: "CREATE INDEX idx_users_age ON users (age);")
        }, says: { _ in ["idx_users_age", "idx_users_name"] }),
        Change(description: "an enum value added", edit: { $0.replacing("'sad', 'ok'", with: "'sad', 'ok', 'happy'") }, says: { engine in
            engine.description == "postgres" ? ["ADD VALUE 'happy'"] : ["'happy'"]
        }),
        Change(description: "a view changed", edit: { $0.replacing("WHERE age >= 18", with: "WHERE age >= 21") }, says: { _ in ["21"] }),
        Change(description: "a marked rename", edit: {
            $0.replacing("    note TEXT,", with: "    remark TEXT, -- strata:renamed-from note")
        }, says: { _ in ["RENAME COLUMN"] }, neverSays: ["Possibly a rename"]),
        Change(description: "an unmarked rename", edit: { $0.replacing("    note TEXT,", with: "    remark TEXT,") },
               says: { _ in ["Possibly a rename of users.note to remark", "strata:renamed-from note"] }, neverSays: ["RENAME COLUMN"]),
    ]

    /// The schema the first migration creates, one column to a line, in the engine's terms.
    static func baseSchema(_ engine: TestDatabase) -> String {
        let (key, mood, type) = switch engine.description {
        case "postgres": ("id SERIAL PRIMARY KEY", "mood mood", "CREATE TYPE mood AS ENUM ('sad', 'ok');\n")
        case "mysql": ("id INTEGER AUTO_INCREMENT PRIMARY KEY", "mood ENUM ('sad', 'ok')", "")
        default: ("id INTEGER PRIMARY KEY", "mood TEXT CHECK (mood IN ('sad', 'ok'))", "")
        }
        return """
            \(type)CREATE TABLE users (
                \(key),
                name VARCHAR(100) NOT NULL,
                age INTEGER,
                note TEXT,
                \(mood)
            );
            CREATE INDEX idx_users_name ON users (name);
            CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
            """
    }

    static func comparison(_ db: FreshDatabase, model: String) throws -> ModelComparison {
        let syntax = db.engine.driver.dialect.syntax
        return ModelComparison(
            migrations: try MigrationDirectory(path: db.migrationsPath, syntax: syntax).load(),
            model: try DeclaredSchema(file: "db/model.sql", text: model, syntax: syntax),
            driver: db.engine.driver, settings: db.settings, logger: Logger(label: "test")
        )
    }

    /// Writes `generated` as migration `20250101000002-NAME.sql` beside `db`'s others, and
    /// proves every rollback (with the Swift migrations `swift` before them) on a scratch
    /// database; returns the migrations written and the verifier's report.
    static func writeAndVerify(
        _ generated: ModelComparison.GeneratedMigration, as name: String, in db: FreshDatabase, after swift: [LoadedMigration] = []
    ) async throws -> (migrations: [LoadedMigration], report: RollbackReport) {
        let driver = db.engine.driver
        try FileManager.default.createDirectory(atPath: db.migrationsPath, withIntermediateDirectories: true)
        try generated.text.write(toFile: "\(db.migrationsPath)/20250101000002-\(name).sql", atomically: true, encoding: .utf8)
        let migrations = swift + (try MigrationDirectory(path: db.migrationsPath, syntax: driver.dialect.syntax).load())
        let report = try await driver.withScratchDatabase(beside: db.settings, logger: Logger(label: "test")) { scratch in
            try await RollbackVerifier(migrations: migrations, driver: driver, scratch: scratch, logger: Logger(label: "test")).verify()
        }
        return (migrations, report)
    }

    /// Writes the base migration.
    static func writeBase(_ db: FreshDatabase) throws {
        let down = "DROP VIEW adults;\nDROP TABLE users;" + (db.engine.description == "postgres" ? "\nDROP TYPE mood;" : "")
        try db.write("20250101000001", "create-users", up: baseSchema(db.engine), down: down)
    }

    @Test(arguments: TestDatabase.all, changes)
    func theWrittenMigrationBuildsTheDeclaredSchemaAndRollsBackExactly(engine: TestDatabase, change: Change) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try Self.writeBase(db)
        let model = change.edit(Self.baseSchema(engine))
        #expect(model != Self.baseSchema(engine), "the change edits nothing")

        let generated = try #require(try await Self.comparison(db, model: model).migration(name: "change"))
        let upSection = try #require(generated.text.components(separatedBy: "-- migrate:down").first)
        for text in change.says(engine) { #expect(upSection.contains(text), "\(change) on \(engine): \(generated.text)") }
        for text in change.neverSays { #expect(!generated.text.contains(text), "\(change) on \(engine): \(generated.text)") }
        #expect(generated.text.contains("-- migrate:down"))
        #expect(!generated.down.isEmpty)

        // It applies, and its down restores the schema exactly (and its up, run again, makes the same).
        let report = try await Self.writeAndVerify(generated, as: "change", in: db).report
        #expect(report.allExact, "\(change) on \(engine): \(report.checks.flatMap(\.findings)) in\n\(generated.text)")

        // After it, the migrations build the declared schema: nothing more to write.
        let after = try Self.comparison(db, model: model)
        #expect(try await after.differences().isEmpty)
        #expect(try await after.migration(name: "again") == nil)
    }

    @Test(arguments: TestDatabase.all)
    func spellingAloneMakesNoMigration(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-counters",
                     up: "CREATE TABLE counters (id INTEGER NOT NULL PRIMARY KEY, hits INTEGER NOT NULL DEFAULT 0, label VARCHAR(20), "
                        + "CONSTRAINT hits_positive CHECK (hits >= 0));",
                     down: "DROP TABLE counters;")
        let q = engine.description == "mysql" ? "`" : "\""
        let model = """
            -- The same table, spelled otherwise: int for integer, DEFAULT (0), quoted names, other case, other spacing.
            create table \(q)counters\(q) (
                \(q)id\(q) integer not null primary key,
                hits int NOT NULL DEFAULT (0),
                \(q)label\(q) varchar(20),
                constraint \(q)hits_positive\(q) check (\(q)hits\(q)   >=   0)
            );
            """
        let comparison = try Self.comparison(db, model: model)
        #expect(try await comparison.differences() == [])
        #expect(try await comparison.migration(name: "nothing") == nil)
    }

    @Test(arguments: TestDatabase.all)
    func aDeclaredSchemaThatCannotBeBuiltIsNamedByFileAndLine(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try Self.writeBase(db)

        // The database refuses a statement: its line is named.
        let misspelt = try Self.comparison(db, model: "CREATE TABLE a (id INTEGER);\n\nCREATE TABEL b (id INTEGER);\n")
        let refused = await #expect(throws: StrataError.self) { try await misspelt.migration(name: "x") }
        #expect(refused?.message.hasPrefix("db/model.sql:3: the declared schema cannot be built") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("Nothing was written") == true)

        // A foreign key to a table the schema does not define (which SQLite would accept).
        let dangling = try Self.comparison(db, model: "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER, CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id));\n")
        let missing = await #expect(throws: StrataError.self) { try await dangling.migration(name: "x") }
        #expect(missing?.message.contains("cannot be built") == true, "\(missing?.message ?? "")")
        #expect(missing?.message.contains(" b") == true, "\(missing?.message ?? "")")

        // An unterminated quote is found before any database is made.
        #expect(throws: StrataError.self) {
            try DeclaredSchema(file: "db/model.sql", text: "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (name TEXT DEFAULT 'x);\n", syntax: engine.driver.dialect.syntax)
        }
    }
}

/// The declared schema's rename marks, read without a database.
@Suite struct DeclaredSchemaTests {
    @Test func renameMarksOnTheColumnsLineOrTheLineBefore() throws {
        let model = try DeclaredSchema(file: "m.sql", text: """
            CREATE TABLE "users" (
                id INTEGER PRIMARY KEY,
                full_name TEXT, -- strata:renamed-from name
                -- strata:renamed-from mail
                "email" TEXT
            );
            CREATE TABLE IF NOT EXISTS posts (
                body TEXT -- strata:renamed-from text
            );
            """, syntax: .standard)
        #expect(model.renames == [
            .init(table: "users", from: "name", to: "full_name"),
            .init(table: "users", from: "mail", to: "email"),
            .init(table: "posts", from: "text", to: "body"),
        ])
        #expect(model.statements.count == 2)
        #expect(model.statements.map(\.line) == [1, 7])
    }

    @Test func aMarkOutsideATableIsRefusedWithItsLine() {
        let error = #expect(throws: StrataError.self) {
            try DeclaredSchema(file: "m.sql", text: "CREATE TABLE a (id INTEGER);\n-- strata:renamed-from b\nCREATE INDEX i ON a (id);\n", syntax: .standard)
        }
        #expect(error?.message.hasPrefix("m.sql:2:") == true, "\(error?.message ?? "")")
    }
}

/// `strata generate NAME --from-schema` and `strata schema check --against-model`, run as the
/// binary on every engine: what is written, what is only printed, what is refused.
@Suite struct ModelCommandLineTests {
    static func migrationFiles(_ project: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: project.path + "/db/migrations").sorted()
    }

    @Test(arguments: TestDatabase.all)
    func generateFromSchemaThenCheckAgainstTheModel(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try VerifyTests.project(db, [
            ("20250101000001", "create-items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, note TEXT);", "DROP TABLE items;"),
        ])
        defer { project.remove() }
        let model = project.path + "/db/model.sql"
        try "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, price INTEGER NOT NULL DEFAULT 0);\n"
            .write(toFile: model, atomically: true, encoding: .utf8)

        // The model changed without a migration: the CI check fails with exit 3, naming both.
        let drift = try await db.strata(["schema", "check", "--against-model"], in: project)
        #expect(drift.status == 3, "\(drift)")
        #expect(drift.stdout.contains("column items.price"), "\(drift)")
        #expect(drift.stdout.contains("column items.note"), "\(drift)")

        // --dry-run prints the migration and writes nothing.
        let before = try Self.migrationFiles(project)
        let dry = try await db.strata(["generate", "add-price", "--from-schema", "--dry-run"], in: project)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("-- migrate:up") && dry.stdout.contains("price"), "\(dry)")
        #expect(dry.stdout.contains("Possibly a rename of items.note to price") == false, "different types are no rename: \(dry)")
        #expect(try Self.migrationFiles(project) == before)

        // Written, it applies; verify proves its down; lint flags its dropped column once the table exists.
        _ = try await db.strata(["migrate"], in: project)
        let written = try await db.strata(["generate", "add-price", "--from-schema"], in: project)
        #expect(written.status == 0, "\(written)")
        #expect(try Self.migrationFiles(project).count == 2)
        let lint = try await db.strata(["lint"], in: project)
        #expect(lint.stdout.contains("drop-column"), "\(lint)")
        let verify = try await db.strata(["verify"], in: project)
        #expect(verify.status == 0, "\(verify)")
        #expect((try await db.strata(["migrate"], in: project)).status == 0)

        // Now the migrations build the model: the check passes, and nothing more is written.
        let clean = try await db.strata(["schema", "check", "--against-model"], in: project)
        #expect(clean.status == 0, "\(clean)")
        let nothing = try await db.strata(["generate", "again", "--from-schema"], in: project)
        #expect(nothing.status == 0, "\(nothing)")
        #expect(nothing.stdout.contains("already build the declared schema"), "\(nothing)")
        #expect(try Self.migrationFiles(project).count == 2)

        // A model that cannot be built names its file and line, and nothing is written.
        try "CREATE TABLE items (id INTEGER PRIMARY KEY);\nCREATE TABEL broken (id INTEGER);\n".write(toFile: model, atomically: true, encoding: .utf8)
        let broken = try await db.strata(["generate", "broken", "--from-schema"], in: project)
        #expect(broken.status != 0, "\(broken)")
        #expect(broken.stderr.contains("db/model.sql:2:"), "\(broken)")
        #expect(try Self.migrationFiles(project).count == 2)

        // No model at all says where it looked.
        try FileManager.default.removeItem(atPath: model)
        let missing = try await db.strata(["schema", "check", "--against-model"], in: project)
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr.contains("db/model.sql does not exist"), "\(missing)")
    }
}

/// A declared schema in Swift (``SchemaModel``), on every engine: the Schema API builds it, a
/// column marked `.renamed(from:)` is renamed, and the written migration verifies and
/// builds the model exactly.
@Suite struct SwiftModelTests {
    struct CreateAccounts: Migration {
        let id = "20250101000001-create-accounts"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("accounts") {
                Column.id()
                Column("name", .string(length: 100)).notNull()
                Column("plan", .enumeration(typeName: "plan", values: ["free", "pro"])).notNull().defaults(to: "free")
            }
            try await schema.addIndex(on: "accounts", ["name"])
        }
        func down(_ schema: Schema) async throws { try await schema.dropTable("accounts") }
    }

    static let model = SchemaModel { schema in
        try await schema.createTable("accounts") {
            Column.id()
            Column("display_name", .string(length: 100)).notNull().renamed(from: "name")
            Column("plan", .enumeration(typeName: "plan", values: ["free", "pro", "team"])).notNull().defaults(to: "free")
            Column("email", .string(length: 255))
        }
        try await schema.addIndex(on: "accounts", ["display_name"])
        try await schema.createTable("invoices") {
            Column.id()
            Column("account_id", .integer).notNull().references("accounts", onDelete: .cascade)
            Column("total", .decimal(precision: 10, scale: 2)).notNull().defaults(to: 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aSwiftModelMakesAMigrationThatVerifiesAndBuildsIt(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let declared = try await DeclaredSchema(Self.model)
        #expect(declared.renames == [.init(table: "accounts", from: "name", to: "display_name")])
        let base = try await SwiftMigrationLoader.load(CreateAccounts())
        let comparison = { (migrations: [LoadedMigration]) in
            ModelComparison(migrations: migrations, model: declared, driver: engine.driver, settings: db.settings, logger: Logger(label: "test"))
        }

        let generated = try #require(try await comparison([base]).migration(name: "accounts-and-invoices"))
        #expect(generated.text.contains("RENAME COLUMN"), "\(generated.text)")
        #expect(generated.text.contains("invoices"), "\(generated.text)")
        #expect(generated.text.contains("team"), "\(generated.text)")
        #expect(!generated.text.contains("Possibly a rename"), "\(generated.text)")
        let (migrations, report) = try await ModelGenerationTests.writeAndVerify(generated, as: "accounts-and-invoices", in: db, after: [base])
        #expect(report.allExact, "\(engine): \(report.checks.flatMap(\.findings)) in\n\(generated.text)")
        #expect(try await comparison(migrations).differences().isEmpty)
    }

    @Test(arguments: TestDatabase.all)
    func anUnmarkedRenameInSwiftSaysHowToMarkIt(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let model = SchemaModel { schema in
            try await schema.createTable("accounts") {
                Column.id()
                Column("title", .string(length: 100)).notNull()
                Column("plan", .enumeration(typeName: "plan", values: ["free", "pro"])).notNull().defaults(to: "free")
            }
            try await schema.addIndex(on: "accounts", ["title"])
        }
        let comparison = ModelComparison(
            migrations: [try await SwiftMigrationLoader.load(CreateAccounts())], model: try await DeclaredSchema(model),
            driver: engine.driver, settings: db.settings, logger: Logger(label: "test")
        )
        let generated = try #require(try await comparison.migration(name: "retitle"))
        #expect(generated.text.contains("Possibly a rename of accounts.name to title"), "\(generated.text)")
        #expect(generated.text.contains(#".renamed(from: "name")"#), "\(generated.text)")
    }
}

/// A column the database fills itself (auto-increment, identity) is part of the snapshot,
/// so making a key fill itself is a change the written migration makes, both ways.
@Suite struct SelfFillingColumnTests {
    @Test(arguments: TestDatabase.all)
    func aKeyMadeToFillItselfIsWrittenAndUndone(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-counters", up: "CREATE TABLE counters (id INTEGER NOT NULL PRIMARY KEY, hits INTEGER);", down: "DROP TABLE counters;")
        let key = switch engine.description {
        case "postgres": "id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
        case "mysql": "id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY"
        default: "id INTEGER PRIMARY KEY AUTOINCREMENT"
        }
        let model = "CREATE TABLE counters (\(key), hits INTEGER);"
        let comparison = try ModelGenerationTests.comparison(db, model: model)
        let differences = try await comparison.differences()
        #expect(differences.map(\.object.name).contains("counters.id"), "\(differences)")
        let generated = try #require(try await comparison.migration(name: "fill-ids"))
        let report = try await ModelGenerationTests.writeAndVerify(generated, as: "fill-ids", in: db).report
        #expect(report.allExact, "\(engine): \(report.checks.flatMap(\.findings)) in\n\(generated.text)")
        #expect(try await ModelGenerationTests.comparison(db, model: model).differences().isEmpty)
    }
}

/// Triggers, functions and sequences in the declared schema: made, changed and dropped by the
/// written migration, which verifies and builds the model exactly.
@Suite struct ModelRoutineTests {
    /// The base schema and a declared schema with a trigger changed and, where the engine has
    /// them, a function changed and a sequence added.
    static func schemas(_ engine: TestDatabase) -> (base: String, down: String, model: String) {
        switch engine.description {
        case "postgres":
            let table = "CREATE TABLE events (id SERIAL PRIMARY KEY, kind TEXT NOT NULL, stamped TIMESTAMPTZ);\n"
            let function = { (body: String) in
                "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(body) RETURN NEW; END $$;\n"
            }
            return (
                table + function("NEW.stamped := now();") + "CREATE TRIGGER events_stamp BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION stamp();",
                "DROP TABLE events;\nDROP FUNCTION stamp();",
                table + function("NEW.stamped := now(); NEW.kind := lower(NEW.kind);")
                    + "CREATE TRIGGER events_stamp BEFORE INSERT OR UPDATE ON events FOR EACH ROW EXECUTE FUNCTION stamp();\n"
                    + "CREATE SEQUENCE ticket_numbers START 1000 INCREMENT 10;"
            )
        case "mysql":
            let table = "CREATE TABLE events (id INTEGER AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20) NOT NULL, stamped DATETIME);\n"
            return (
                table + "CREATE TRIGGER events_stamp BEFORE INSERT ON events FOR EACH ROW SET NEW.stamped = NOW();",
                "DROP TABLE events;",
                table + "CREATE TRIGGER events_stamp BEFORE INSERT ON events FOR EACH ROW SET NEW.kind = LOWER(NEW.kind);"
            )
        default:
            let table = "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, stamped TEXT);\n"
            return (
                table + "CREATE TRIGGER events_stamp AFTER INSERT ON events BEGIN UPDATE events SET stamped = datetime('now') WHERE id = NEW.id; END;",
                "DROP TABLE events;",
                table + "CREATE TRIGGER events_stamp AFTER INSERT ON events BEGIN UPDATE events SET kind = lower(kind) WHERE id = NEW.id; END;"
            )
        }
    }

    @Test(arguments: TestDatabase.all)
    func triggersFunctionsAndSequencesAreWrittenBothWays(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let (base, down, model) = Self.schemas(engine)
        try db.write("20250101000001", "create-events", up: base, down: down)
        let generated = try #require(try await ModelGenerationTests.comparison(db, model: model).migration(name: "routines"))
        #expect(generated.text.contains("events_stamp"), "\(generated.text)")
        if engine.description == "postgres" {
            #expect(generated.text.contains("CREATE OR REPLACE FUNCTION"), "\(generated.text)")
            #expect(generated.text.contains("CREATE SEQUENCE \"ticket_numbers\""), "\(generated.text)")
        }
        let report = try await ModelGenerationTests.writeAndVerify(generated, as: "routines", in: db).report
        #expect(report.allExact, "\(engine): \(report.checks.flatMap(\.findings)) in\n\(generated.text)")
        #expect(try await ModelGenerationTests.comparison(db, model: model).differences().isEmpty)
    }
}

/// The failure paths of generation not covered above, each on a real database: a migration
/// that does not apply from empty, a Swift model that throws or cannot be built, an object
/// the dialect cannot write, and options that do not go together. Nothing is written.
@Suite struct ModelFailureTests {
    @Test(arguments: TestDatabase.all)
    func aMigrationThatDoesNotApplyFromEmptyIsNamed(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "broken", up: "INSERT INTO no_such_table (id) VALUES (1);", down: "")
        let comparison = try ModelGenerationTests.comparison(db, model: "CREATE TABLE a (id INTEGER PRIMARY KEY);")
        let error = await #expect(throws: StrataError.self) { try await comparison.migration(name: "x") }
        #expect(error?.message.hasPrefix("The migrations do not apply from empty on a scratch database:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("20250101000001-broken") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("Nothing was written") == true)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the model's own failure" }
    }

    @Test(arguments: TestDatabase.all)
    func aSwiftModelThatThrowsOrCannotBeBuiltIsNamed(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let throwing = SchemaModel(file: "Model.swift") { _ in throw Failure() }
        let thrown = await #expect(throws: StrataError.self) { _ = try await DeclaredSchema(throwing) }
        #expect(thrown?.message == "The declared schema of Model.swift threw: the model's own failure. Nothing was written.", "\(thrown?.message ?? "")")

        // A foreign key to a table the model does not create: refused by the database (or,
        // on SQLite, by the reference check), with nothing written.
        let dangling = SchemaModel(file: "Model.swift") { schema in
            try await schema.createTable("a") {
                Column.id()
                Column("b_id", .integer).references("b")
            }
        }
        let comparison = ModelComparison(
            migrations: [], model: try await DeclaredSchema(dangling), driver: engine.driver, settings: db.settings, logger: Logger(label: "test")
        )
        let refused = await #expect(throws: StrataError.self) { try await comparison.migration(name: "x") }
        #expect(refused?.message.contains("cannot be built") == true, "\(refused?.message ?? "")")
        #expect(refused?.message.contains("Nothing was written") == true, "\(refused?.message ?? "")")
    }

    @Test(arguments: TestDatabase.servers)
    func whatTheDialectCannotWriteIsRefusedAndWhatItCanIsProven(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "create-a", up: "CREATE TABLE a (id INTEGER PRIMARY KEY);", down: "DROP TABLE a;")
        let model = engine.description == "mysql"
            ? "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE FUNCTION one() RETURNS INTEGER DETERMINISTIC RETURN 1;"
            : "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TYPE mood AS ENUM ('sad');\nCREATE TABLE b (m mood);\nCREATE FUNCTION one() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;"
        let comparison = try ModelGenerationTests.comparison(db, model: model)
        if engine.description == "mysql" {
            let error = await #expect(throws: StrataError.self) { try await comparison.migration(name: "x") }
            #expect(error?.message.contains("function one") == true, "\(error?.message ?? "")")
            #expect(error?.hint?.contains("write its migration by hand") == true, "\(error?.hint ?? "")")
        } else {
            // PostgreSQL writes all of these; the generated migration is proven instead.
            let generated = try #require(try await comparison.migration(name: "x"))
            #expect(try await ModelGenerationTests.writeAndVerify(generated, as: "x", in: db).report.allExact)
        }
    }

    @Test func optionsThatDoNotGoTogetherAreRefusedBeforeAnythingRuns() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let project = try db.project([])
        defer { project.remove() }
        for arguments in [
            ["generate", "x", "--from-schema", "--template", "create-table"],
            ["generate", "x", "--from-schema", "--seeder"],
            ["generate", "x", "--model", "db/model.sql"],
            ["generate", "x", "--dry-run"],
            ["schema", "check", "--against-model", "db/schema.sql"],
            ["schema", "check", "--model", "db/model.sql"],
        ] {
            let result = try await db.strata(arguments, in: project)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stderr.contains("--from-schema") || result.stderr.contains("--against-model"), "\(arguments): \(result)")
        }
        #expect(try ModelCommandLineTests.migrationFiles(project).isEmpty)
    }
}
