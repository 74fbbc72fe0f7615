import Foundation
import Strata
import Testing

/// `generate --from-schema --swift` writes changes back as Swift with ``SchemaChangeSource``.
/// The body of ``PrintedChanges/up(_:)`` below is the printer's text for ``SchemaChangeSourceTests/changes``,
/// checked character for character; compiled here, it must record exactly those changes.
@Suite struct SchemaChangeSourceTests {
    /// Every kind of change, with names, literals and SQL that need escaping.
    static var changes: [SchemaChange] {
        var table = TableDefinition(name: "order \"items\"")
        table.columns = [
            Column.id(),
            Column("total", .decimal(precision: 10, scale: 2)).notNull().defaults(to: .double(0.5)),
            Column("state", .enum(["new", "it's done"], typeName: "order_state")).defaults(to: "new"),
            Column("owner_id", .bigint).references("users", onDelete: .cascade, onUpdate: .noAction),
            Column("code", .uuid).unique().defaults(to: .expression("gen_random_uuid()")),
            Column("payload", .json),
            Column("raw", .binary),
            Column("flag", .bool).notNull().defaults(to: true),
            Column("seen_at", .timestampWithTimeZone).defaults(to: .currentTimestamp),
            Column("day", .date),
            Column("moment", .datetime),
            Column("ratio", .float),
            Column("weight", .double).defaults(to: .double(-2.25)),
            Column("label", .string(length: 40)).defaults(to: "back\\slash \"quoted\"\nnew line"),
            Column("kind", .enum(["a", "b"])),
            Column("count", .integer).defaults(to: .integer(-3)),
            Column("notes", .text).renamed(from: "note"),
        ]
        table.foreignKeys = [
            ForeignKey(["a", "b"], references: "pairs", ["x", "y"], onDelete: .setNull, onUpdate: .restrict, name: "items_pair_fk"),
            ForeignKey(["c"], references: "cs", onDelete: .setDefault),
        ]
        table.checks = [Check("total_positive", "total >= 0 AND label <> 'x\\y'")]
        table.uniqueIndexes = [
            Index(table: table.name, columns: ["a", "b"], isUnique: true),
            Index(table: table.name, columns: ["c"], name: "items_c_key_named", isUnique: true),
        ]
        var composite = TableDefinition(name: "links")
        composite.columns = [Column("left", .integer).notNull(), Column("right", .integer).notNull(), Column("serial", .bigint).primaryKey()]
        composite.primaryKey = ["left", "right"]
        var big = TableDefinition(name: "bigs")
        big.columns = [Column.id("big_id", type: .bigint)]
        var update = SQLText(stringLiteral: "UPDATE ")
        update.parts += [.identifier("users"), .sql(" SET "), .identifier("age"), .sql(" = 18, name = "), .bind(.text("Zoë \"Z\"")),
                         .sql(", n = "), .bind(.integer(3)), .sql(", r = "), .bind(.double(1.5)), .sql(", x = "), .bind(.null),
                         .sql(" WHERE "), .identifier("age"), .sql(" IS NULL")]
        return [
            .createTable(table, ifNotExists: false),
            .createTable(composite, ifNotExists: true),
            .createTable(big, ifNotExists: false),
            .dropTable("old", ifExists: false),
            .dropTable("older", ifExists: true),
            .renameTable("a", to: "b"),
            .addColumn(Column("email", .string(length: 255)).notNull().defaults(to: ""), table: "users", ifNotExists: false),
            .addColumn(Column("team_id", .integer).references("teams", column: "key"), table: "users", ifNotExists: true),
            .removeColumn("email", table: "users", ifExists: false),
            .removeColumn("email", table: "users", ifExists: true),
            .renameColumn("name", to: "full_name", table: "users"),
            .changeColumn(Column("age", .bigint).notNull().defaults(to: 0), table: "users"),
            .changeColumn(Column("id", .integer).primaryKey().nullable(), table: "odd"),
            .addIndex(Index(table: "users", columns: ["age"]), concurrently: false, ifNotExists: false),
            .addIndex(Index(table: "users", columns: ["email"], name: "users_live_email", isUnique: true, predicate: "deleted_at IS NULL"),
                      concurrently: true, ifNotExists: true),
            .addIndex(Index(table: "users", columns: ["a", "b"], isUnique: true), concurrently: false, ifNotExists: false),
            .removeIndex("users_age_idx", table: "users", concurrently: false, ifExists: false),
            .removeIndex("users_live_email", table: "users", concurrently: true, ifExists: true),
            .addForeignKey(ForeignKey(["team_id"], references: "teams"), table: "users"),
            .addForeignKey(ForeignKey(["a"], references: "t", ["k"], onDelete: .cascade, name: "users_a_fk"), table: "users"),
            .removeForeignKey("users_a_fk", table: "users", ifExists: false),
            .removeForeignKey("users_b_fk", table: "users", ifExists: true),
            .addCheck(Check("age_adult", "age >= 18"), table: "users"),
            .removeCheck("age_adult", table: "users", ifExists: false),
            .removeCheck("age_child", table: "users", ifExists: true),
            .addEnumValue("it's \"new\"", column: "state", table: "orders"),
            .sql("DROP VIEW \"adults\""),
            .sql(update),
            .sql("""
                CREATE VIEW adults AS
                  SELECT id, name, '\\' AS slash, \"\"\" AS quotes
                  FROM users

                  WHERE age >= 18
                """),
            .sql(SQLText(stringLiteral: "SELECT '\u{1}\t'")),
        ]
    }

    @Test func thePrintedSourceIsTheBodyOfPrintedChanges() throws {
        let printed = SchemaChangeSource.indented(Self.changes.flatMap(SchemaChangeSource.statement), levels: 2).joined(separator: "\n")
        let file = try String(contentsOfFile: #filePath, encoding: .utf8)
        let start = try #require(file.range(of: "        // The printer's text, from here:\n"))
        let end = try #require(file.range(of: "\n        // to here.", range: start.upperBound..<file.endIndex))
        #expect(String(file[start.upperBound..<end.lowerBound]) == printed)
    }

    @Test func theBodyOfPrintedChangesRecordsTheChangesPrinted() async throws {
        let loaded = try await SwiftMigrationLoader.load(PrintedChanges())
        let recorded = try #require(loaded.up.program?.recordedChanges)
        #expect(recorded.count == Self.changes.count)
        for (made, wanted) in zip(recorded, Self.changes) {
            #expect(made == wanted)
        }
    }
}

/// What ``SchemaChangeSource`` prints for ``SchemaChangeSourceTests/changes``, compiled.
private struct PrintedChanges: Migration {
    let id = "20250101000000-printed-changes"

    func up(_ schema: Schema) async throws {
        // The printer's text, from here:
        try await schema.createTable("order \"items\"") {
            Column.id()
            Column("total", .decimal(precision: 10, scale: 2)).notNull().defaults(to: .double(0.5))
            Column("state", .enum(["new", "it's done"], typeName: "order_state")).defaults(to: .string("new"))
            Column("owner_id", .bigint).references("users", onDelete: .cascade, onUpdate: .noAction)
            Column("code", .uuid).defaults(to: .expression("gen_random_uuid()")).unique()
            Column("payload", .json)
            Column("raw", .binary)
            Column("flag", .bool).notNull().defaults(to: .bool(true))
            Column("seen_at", .timestampWithTimeZone).defaults(to: .currentTimestamp)
            Column("day", .date)
            Column("moment", .datetime)
            Column("ratio", .float)
            Column("weight", .double).defaults(to: .double(-2.25))
            Column("label", .string(length: 40)).defaults(to: .string("back\\slash \"quoted\"\nnew line"))
            Column("kind", .enum(["a", "b"]))
            Column("count", .integer).defaults(to: .integer(-3))
            Column("notes", .text).renamed(from: "note")
            ForeignKey(["a", "b"], references: "pairs", ["x", "y"], onDelete: .setNull, onUpdate: .restrict, name: "items_pair_fk")
            ForeignKey(["c"], references: "cs", onDelete: .setDefault)
            Check("total_positive", "total >= 0 AND label <> 'x\\y'")
            Unique("a", "b")
            Unique("c", name: "items_c_key_named")
        }
        try await schema.createTable("links", ifNotExists: true) {
            Column("left", .integer).notNull()
            Column("right", .integer).notNull()
            Column("serial", .bigint).primaryKey()
            PrimaryKey("left", "right")
        }
        try await schema.createTable("bigs") {
            Column.id("big_id", type: .bigint)
        }
        try await schema.dropTable("old")
        try await schema.dropTable("older", ifExists: true)
        try await schema.renameTable("a", to: "b")
        try await schema.addColumn(Column("email", .string(length: 255)).notNull().defaults(to: .string("")), to: "users")
        try await schema.addColumn(Column("team_id", .integer).references("teams", column: "key"), to: "users", ifNotExists: true)
        try await schema.removeColumn("email", from: "users")
        try await schema.removeColumn("email", from: "users", ifExists: true)
        try await schema.renameColumn("name", to: "full_name", in: "users")
        try await schema.changeColumn(Column("age", .bigint).notNull().defaults(to: .integer(0)), in: "users")
        try await schema.changeColumn(Column("id", .integer).primaryKey().nullable(), in: "odd")
        try await schema.addIndex(on: "users", ["age"])
        try await schema.addIndex(on: "users", ["email"], name: "users_live_email", unique: true, where: "deleted_at IS NULL", concurrently: true, ifNotExists: true)
        try await schema.addIndex(on: "users", ["a", "b"], unique: true)
        try await schema.removeIndex("users_age_idx", on: "users")
        try await schema.removeIndex("users_live_email", on: "users", concurrently: true, ifExists: true)
        try await schema.addForeignKey(ForeignKey(["team_id"], references: "teams"), to: "users")
        try await schema.addForeignKey(ForeignKey(["a"], references: "t", ["k"], onDelete: .cascade, name: "users_a_fk"), to: "users")
        try await schema.removeForeignKey("users_a_fk", from: "users")
        try await schema.removeForeignKey("users_b_fk", from: "users", ifExists: true)
        try await schema.addCheck(Check("age_adult", "age >= 18"), to: "users")
        try await schema.removeCheck("age_adult", from: "users")
        try await schema.removeCheck("age_child", from: "users", ifExists: true)
        try await schema.addEnumValue("it's \"new\"", to: "state", in: "orders")
        try await schema.execute("DROP VIEW \"adults\"")
        try await schema.execute("UPDATE \(identifier: "users") SET \(identifier: "age") = 18, name = \(bind: DatabaseValue.text("Zoë \"Z\"")), n = \(bind: DatabaseValue.integer(3)), r = \(bind: DatabaseValue.double(1.5)), x = \(bind: DatabaseValue.null) WHERE \(identifier: "age") IS NULL")
        try await schema.execute(
            """
            CREATE VIEW adults AS
              SELECT id, name, '\\' AS slash, ""\" AS quotes
              FROM users

              WHERE age >= 18
            """
        )
        try await schema.execute("SELECT '\u{1}\t'")
        // to here.
    }

    func down(_ schema: Schema) async throws {}
}
