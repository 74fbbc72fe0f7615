import Foundation
import Strata
import Testing

// Migrations for the failure paths and data-keeping behaviour of the Schema API.

private struct CreateParentsAndChildren: Migration {
    let id = "20250701000000-create-parents-and-children"
    func up(_ schema: Schema) async throws {
        try await schema.createTable("parents") {
            Column.id()
            Column("label", .string(length: 20)).notNull()
            Column("kind", .enum(["a", "b"])).notNull().defaults(to: "a")
        }
        try await schema.createTable("children") {
            Column.id()
            Column("parent_id", .integer).notNull().references("parents", onDelete: .cascade)
        }
        try await schema.execute("INSERT INTO \(identifier: "parents") (\(identifier: "label")) VALUES (\(bind: "one")), (\(bind: "two"))")
        try await schema.execute("INSERT INTO \(identifier: "children") (\(identifier: "parent_id")) VALUES (\(bind: 1)), (\(bind: 2)), (\(bind: 2))")
    }
    func down(_ schema: Schema) async throws {
        try await schema.dropTable("children")
        try await schema.dropTable("parents")
    }
}

/// Changes to the parent table: on SQLite each is a rebuild that drops the parent table,
/// which with foreign keys enforced would cascade to the children.
private struct ReshapeParents: Migration {
    let id = "20250702000000-reshape-parents"
    func up(_ schema: Schema) async throws {
        try await schema.changeColumn(Column("label", .string(length: 80)).notNull(), in: "parents")
        try await schema.addEnumValue("c", to: "kind", in: "parents")
        try await schema.addColumn(Column("rank", .integer).notNull().defaults(to: 5), to: "parents")
    }
    func down(_ schema: Schema) async throws {
        try await schema.removeColumn("rank", from: "parents")
        try await schema.changeColumn(Column("kind", .enum(["a", "b"])).notNull().defaults(to: "a"), in: "parents")
        try await schema.changeColumn(Column("label", .string(length: 20)).notNull(), in: "parents")
    }
}

/// Fails at its third operation.
private struct FailsHalfway: Migration {
    let id = "20250703000000-fails-halfway"
    func up(_ schema: Schema) async throws {
        try await schema.createTable("halfway") { Column.id() }
        try await schema.addColumn(Column("note", .text), to: "halfway")
        try await schema.execute("INSERT INTO no_such_table VALUES (1)")
    }
    func down(_ schema: Schema) async throws {
        try await schema.dropTable("halfway", ifExists: true)
    }
}

/// Adds a foreign key that existing rows violate.
private struct ViolatingForeignKey: Migration {
    let id = "20250704000000-violating-foreign-key"
    func up(_ schema: Schema) async throws {
        try await schema.addColumn(Column("best_child", .integer), to: "parents")
        try await schema.execute("UPDATE \(identifier: "parents") SET \(identifier: "best_child") = \(bind: 999)")
        try await schema.addForeignKey(ForeignKey(["best_child"], references: "children"), to: "parents")
    }
    func down(_ schema: Schema) async throws {
        try await schema.removeForeignKey("parents_best_child_fkey", from: "parents")
        try await schema.removeColumn("best_child", from: "parents")
    }
}

@Suite struct SchemaBehaviourTests {
    @Test(arguments: TestDatabase.all)
    func changingAParentTableKeepsEveryRowOfItAndOfItsChildren(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let migrator = try await db.migrator(swift: [CreateParentsAndChildren(), ReshapeParents()])
        try await migrator.migrate()
        #expect(try await db.query("SELECT COUNT(*) AS n FROM children").first?["n"].integer == 3)
        let parents = try await db.query("SELECT label, kind, rank FROM parents ORDER BY id")
        #expect(parents.map { "\($0["label"].text ?? "")/\($0["kind"].text ?? "")/\($0["rank"].integer ?? 0)" } == ["one/a/5", "two/a/5"])
        // The new enum value is accepted, an unknown one refused.
        let connection = try await db.connect()
        try await connection.closeAfter {
            _ = try await connection.query("UPDATE parents SET kind = 'c' WHERE label = 'two'", [])
            await #expect(throws: (any Error).self) { _ = try await connection.query("UPDATE parents SET kind = 'zzz'", []) }
        }
        // The foreign key still holds after the rebuild: deleting a parent cascades.
        _ = try await db.query("DELETE FROM parents WHERE label = 'one'")
        #expect(try await db.query("SELECT COUNT(*) AS n FROM children").first?["n"].integer == 2)

        _ = try await db.query("UPDATE parents SET kind = 'a'")
        try await migrator.undo()
        #expect(try await db.query("SELECT COUNT(*) AS n FROM children").first?["n"].integer == 2)
        let columns = try await db.introspection().filter { $0.contains("column label") || $0.contains("column kind") || $0.contains("rank") }
        #expect(columns == [
            "  column label string(length: 20) not null",
            "  column kind enumeration(typeName: nil, values: [\"a\", \"b\"]) not null default string(\"a\")",
        ])
    }

    @Test(arguments: TestDatabase.all)
    func aFailingSwiftMigrationNamesItsFileAndLineAndLeavesNothingOrADirtyMark(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let migrator = try await db.migrator(swift: [FailsHalfway()])
        let error = try await #require(throws: StrataError.self) { try await migrator.migrate() }
        #expect(error.message.hasPrefix("Migration 20250703000000-fails-halfway failed at StrataIntegrationTests/SchemaBehaviourTests.swift:50:"), "\(error.message)")
        #expect(error.message.contains("Statement: INSERT INTO no_such_table VALUES (1)"))
        let status = try await migrator.status()
        if engine.driver.dialect.supportsTransactionalDDL {
            #expect(status.map(\.state) == [.pending])
            #expect(try await !db.hasTable("halfway"))
        } else {
            // MySQL committed the first two statements: the migration is dirty, with its progress.
            #expect(status.map(\.state) == [.dirty])
            #expect(status.first?.progress?.statementsDone == 2)
            #expect(status.first?.progress?.summary.hasPrefix("stopped after 2 statements while being applied (failed at line 50") == true)
            #expect(error.hint?.contains("2 statements ran and stay applied") == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aForeignKeyThatExistingRowsViolateIsRefusedAndRolledBack(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [CreateParentsAndChildren()]).migrate()
        let migrator = try await db.migrator(swift: [CreateParentsAndChildren(), ViolatingForeignKey()])
        let error = try await #require(throws: StrataError.self) { try await migrator.migrate() }
        #expect(error.message.lowercased().contains("foreign key"), "\(error.message)")
        #expect(try await db.query("SELECT COUNT(*) AS n FROM children").first?["n"].integer == 3)
        if engine.driver.dialect.supportsTransactionalDDL {
            #expect(try await migrator.status().map(\.state) == [.applied, .pending])
            #expect(try await db.introspection().contains { $0.contains("best_child") } == false)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aChangedSwiftMigrationIsDetected(engine: TestDatabase) async throws {
        struct Versioned: Migration {
            let id = "20250705000000-versioned"
            let length: Int
            func up(_ schema: Schema) async throws { try await schema.createTable("v") { Column("a", .string(length: length)) } }
            func down(_ schema: Schema) async throws { try await schema.dropTable("v") }
        }
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [Versioned(length: 10)]).migrate()
        let edited = try await db.migrator(swift: [Versioned(length: 20)])
        #expect(try await edited.status().map(\.state) == [.changed])
        let refused = try await #require(throws: StrataError.self) { try await edited.undo() }
        #expect(refused.code == .refused)
    }

    @Test(arguments: TestDatabase.all)
    func operationsADialectCannotDoAreErrorsNamingTheDialect(engine: TestDatabase) async throws {
        struct PartialIndex: Migration {
            let id = "20250706000000-partial-index"
            func up(_ schema: Schema) async throws {
                try await schema.createTable("p") { Column("a", .integer) }
                try await schema.addIndex(on: "p", ["a"], where: "a > 0")
            }
            func down(_ schema: Schema) async throws { try await schema.dropTable("p") }
        }
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let migrator = try await db.migrator(swift: [PartialIndex()])
        if engine.description == "mysql" {
            let error = try await #require(throws: StrataError.self) { try await migrator.migrate() }
            #expect(error.message.contains("SchemaBehaviourTests.swift:160: addIndex with a where: condition (partial index p_a_idx) is not supported on mysql."), "\(error.message)")
            #expect(error.message.contains("Workaround: index the whole table"))
        } else {
            try await migrator.migrate()
            // The condition is part of what introspection and snapshots see.
            let introspection = try await db.introspection()
            #expect(introspection.contains("  index p_a_idx (a) where a > 0"), "\(introspection)")
        }
    }
}

/// What a migration saw through the Schema API's introspection while it ran.
private final class Observations: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    func note(_ line: String) { lock.withLock { seen.append(line) } }
    var lines: [String] { lock.withLock { seen } }
}

@Suite struct SchemaIntrospectionInMigrationTests {
    private struct Inspecting: Migration {
        let id = "20250707000000-inspecting"
        let observations: Observations
        func up(_ schema: Schema) async throws {
            try await schema.createTable("things") {
                Column.id()
                Column("label", .string(length: 10)).notNull().defaults(to: "x")
            }
            try await schema.addIndex(on: "things", ["label"])
            // Skipped by the recording run, which sees an empty database.
            guard try await schema.hasTable("things") else { return }
            observations.note("tables \(try await schema.tables())")
            observations.note("has label \(try await schema.hasColumn("label", in: "things")), has nope \(try await schema.hasColumn("nope", in: "things"))")
            observations.note("columns \(try await schema.describeTable("things").map(\.description))")
            observations.note("indexes \(try await schema.indexes(of: "things").map(\.description))")
        }
        func down(_ schema: Schema) async throws { try await schema.dropTable("things") }
    }

    @Test(arguments: TestDatabase.all)
    func aMigrationSeesTheSchemaAsItChangesIt(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let observations = Observations()
        try await db.migrator(swift: [Inspecting(observations: observations)]).migrate()
        #expect(observations.lines == [
            "tables [\"things\"]",
            "has label true, has nope false",
            "columns [\"id integer not null primary key\", \"label string(length: 10) not null default string(\\\"x\\\")\"]",
            "indexes [\"things_label_idx (label)\"]",
        ])
    }
}

@Suite struct SQLiteRebuildTests {
    private struct WithTrigger: Migration {
        let id = "20250708000000-with-trigger"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("notes") {
                Column.id()
                Column("body", .string(length: 10))
                Column("edits", .integer).notNull().defaults(to: 0)
            }
            try await schema.addIndex(on: "notes", ["body"])
            try await schema.execute("""
                CREATE TRIGGER notes_edited AFTER UPDATE OF body ON notes
                BEGIN UPDATE notes SET edits = edits + 1 WHERE id = NEW.id; END
                """)
        }
        func down(_ schema: Schema) async throws { try await schema.dropTable("notes") }
    }

    private struct WidenBody: Migration {
        let id = "20250709000000-widen-body"
        func up(_ schema: Schema) async throws { try await schema.changeColumn(Column("body", .text), in: "notes") }
        func down(_ schema: Schema) async throws { try await schema.changeColumn(Column("body", .string(length: 10)), in: "notes") }
    }

    @Test func aRebuildKeepsIndexesAndTriggers() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [WithTrigger(), WidenBody()]).migrate()
        #expect(try await db.introspection().contains("  column body text"))
        #expect(try await db.introspection().contains("  index notes_body_idx (body)"))
        _ = try await db.query("INSERT INTO notes (body) VALUES ('a')")
        _ = try await db.query("UPDATE notes SET body = 'b'")
        #expect(try await db.query("SELECT edits FROM notes").first?["edits"].integer == 1)
        let objects = try await db.query("SELECT name FROM sqlite_master WHERE name LIKE 'strata_rebuild%'")
        #expect(objects.isEmpty)
    }

    private struct RebuildWithoutTransaction: Migration {
        let id = "20250710000000-rebuild-without-transaction"
        var runsInTransaction: Bool { false }
        func up(_ schema: Schema) async throws { try await schema.changeColumn(Column("body", .text), in: "notes") }
        func down(_ schema: Schema) async throws {}
    }

    @Test func aRebuildOutsideATransactionIsRefused() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [WithTrigger()]).migrate()
        let error = try await #require(throws: StrataError.self) {
            try await db.migrator(swift: [WithTrigger(), RebuildWithoutTransaction()]).migrate()
        }
        #expect(error.message.contains("changeColumn on notes outside a transaction is not supported on sqlite."), "\(error.message)")
        #expect(try await db.introspection().contains("  column body string(length: 10)"))
    }
}

/// A migration whose up is a closure and whose down does nothing, for one-off changes.
private struct ChangeMigration: Migration {
    let id: String
    let change: @Sendable (Schema) async throws -> Void
    func up(_ schema: Schema) async throws { try await change(schema) }
    func down(_ schema: Schema) async throws {}
}

/// Operations on columns and constraints that are not there, on every engine.
@Suite struct SchemaMissingObjectTests {
    private struct Base: Migration {
        let id = "20250711000000-base"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("things") {
                Column.id()
                Column("label", .string(length: 10))
                Column("code", .integer).notNull().defaults(to: 0)
                Check("things_code_positive", "code >= 0")
            }
        }
        func down(_ schema: Schema) async throws { try await schema.dropTable("things") }
    }

    private func failure(_ engine: TestDatabase, _ change: @escaping @Sendable (Schema) async throws -> Void) async throws -> StrataError {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [Base()]).migrate()
        return try await #require(throws: StrataError.self) {
            try await db.migrator(swift: [Base(), ChangeMigration(id: "20250712000000-failing") { schema in
                // The recording run sees an empty database: make the change on the live one only.
                if try await schema.hasTable("things") { try await change(schema) }
            }]).migrate()
        }
    }

    @Test(arguments: TestDatabase.all)
    func changingAMissingColumnNamesItAndSaysHowToCheck(engine: TestDatabase) async throws {
        let error = try await failure(engine) { try await $0.changeColumn(Column("nope", .text), in: "things") }
        #expect(error.message.contains("changeColumn: table things has no column nope."), "\(error.message)")
        #expect(error.message.contains("Check the column's name with describeTable."))
    }

    @Test(arguments: TestDatabase.all)
    func changingAColumnOfAMissingTableNamesIt(engine: TestDatabase) async throws {
        let error = try await failure(engine) { try await $0.changeColumn(Column("a", .text), in: "nowhere") }
        #expect(error.message.contains("changeColumn: there is no table nowhere."), "\(error.message)")
    }

    @Test(arguments: TestDatabase.all)
    func addingAnEnumValueToAnotherColumnIsRefused(engine: TestDatabase) async throws {
        let error = try await failure(engine) { try await $0.addEnumValue("x", to: "label", in: "things") }
        #expect(error.message.contains("addEnumValue: column things.label is not an enumeration"), "\(error.message)")
        #expect(error.message.contains("addEnumValue adds to columns created with .enum([...])"))
    }

    @Test(arguments: TestDatabase.all)
    func removingAMissingConstraintFailsUnlessIfExists(engine: TestDatabase) async throws {
        let error = try await failure(engine) { try await $0.removeCheck("no_such_check", from: "things") }
        if engine.description == "sqlite" {
            #expect(error.message.contains("removeCheck: table things has no constraint named no_such_check."), "\(error.message)")
        } else {
            #expect(error.message.contains("no_such_check"), "\(error.message)")
        }
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let tolerant = ChangeMigration(id: "20250712000000-tolerant") { try await $0.removeCheck("no_such_check", from: "things", ifExists: true) }
        try await db.migrator(swift: [Base(), tolerant]).migrate()
    }
}

@Suite struct SQLiteRebuildRefusalTests {
    private struct Parent: Migration {
        let id = "20250713000000-parent"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("parents") {
                Column.id()
                Column("a", .integer)
                Column("b", .integer)
                Check("parents_a_below_b", "a < b")
            }
        }
        func down(_ schema: Schema) async throws { try await schema.dropTable("parents") }
    }

    @Test func aColumnATableConstraintUsesIsNotRemovedSilently() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        // Recorded unconditionally, so foreign keys are deferred as a rebuild needs.
        let removeA = ChangeMigration(id: "20250714000000-remove-a") { try await $0.removeColumn("a", from: "parents", ifExists: true) }
        let error = try await #require(throws: StrataError.self) { try await db.migrator(swift: [Parent(), removeA]).migrate() }
        #expect(error.message.contains("removeColumn parents.a (the table constraint `CONSTRAINT \"parents_a_below_b\" CHECK (a < b)` uses it) is not supported on sqlite."), "\(error.message)")
        #expect(error.message.contains("Workaround: remove that constraint first"))
        #expect(try await db.introspection().contains("  column a integer"))
    }

    @Test func aRebuildTheRecordingDidNotSeeIsRefusedRatherThanRunWithForeignKeysOn() async throws {
        let db = try await TestDatabase.sqliteFile.fresh()
        defer { Task { await db.remove() } }
        let hidden = ChangeMigration(id: "20250714000000-conditional") { schema in
            if try await schema.hasTable("parents") { try await schema.changeColumn(Column("b", .bigint), in: "parents") }
        }
        let error = try await #require(throws: StrataError.self) { try await db.migrator(swift: [Parent(), hidden]).migrate() }
        #expect(error.message.contains("changeColumn on parents must rebuild the table, but foreign keys are enforced in this transaction."), "\(error.message)")
        #expect(error.message.contains("make the change unconditional in the migration"))
        #expect(try await db.introspection().contains("  column b integer"))
    }
}

@Suite struct PostgresEnumRefusalTests {
    private struct Shared: Migration {
        let id = "20250715000000-shared"
        func up(_ schema: Schema) async throws {
            try await schema.createTable("a") { Column("mood", .enum(["ok", "meh"], typeName: "mood")) }
            try await schema.createTable("b") { Column("mood", .enum(["ok", "meh"], typeName: "mood")) }
        }
        func down(_ schema: Schema) async throws {}
    }

    @Test func anEnumTypeWithOtherValuesIsNotReusedOrRewrittenUnderOtherColumns() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        try await db.migrator(swift: [Shared()]).migrate()

        let clash = ChangeMigration(id: "20250716000000-clash") { try await $0.createTable("c") { Column("mood", .enum(["ok", "bad"], typeName: "mood")) } }
        let created = try await #require(throws: StrataError.self) { try await db.migrator(swift: [Shared(), clash]).migrate() }
        #expect(created.message.contains(#"Enum type mood exists with the values ["ok", "meh"], not ["ok", "bad"] (column c.mood)."#), "\(created.message)")
        #expect(created.message.contains("Give the column another type name with .enum([...], typeName:)"))

        let shrink = ChangeMigration(id: "20250716000000-shrink") { try await $0.changeColumn(Column("mood", .enum(["ok"], typeName: "mood")), in: "a") }
        let changed = try await #require(throws: StrataError.self) { try await db.migrator(swift: [Shared(), shrink]).migrate() }
        #expect(changed.message.contains("changeColumn a.mood: enum type mood has the values [\"ok\", \"meh\"] and other columns use it."), "\(changed.message)")
        #expect(try await !db.introspection().contains("table c"))
    }
}
