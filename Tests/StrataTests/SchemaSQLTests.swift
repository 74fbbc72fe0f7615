import Strata
import Testing

/// The common rendering of the Schema API, on the odd dialect: every piece of SQL that
/// differs between databases must come from the dialect.
@Suite struct SchemaSQLTests {
    let sql = SchemaSQL(OddSchemaDialect())

    func render(_ change: SchemaChange) throws -> [String] {
        try sql.statements(for: change).map(\.text)
    }

    @Test func createTableTakesTypesQuotingLiteralsAndNamesFromTheDialect() throws {
        var table = TableDefinition(name: "users")
        let elements: [any TableElement] = [
            Column.id(),
            Column("email", .string(length: 80)).notNull().unique(),
            Column("status", .enum(["a", "b"])).notNull().defaults(to: "a"),
            Column("team_id", .integer).references("teams", onDelete: .cascade, onUpdate: .restrict),
            Column("seen", .timestampWithTimeZone).defaults(to: .currentTimestamp),
            Check("users_email_not_blank", "email <> ''"),
        ]
        for element in elements { element.add(to: &table) }
        #expect(try render(.createTable(table, ifNotExists: false)) == [
            """
            CREATE TABLE ``users`` (
              ``id`` ODDSERIAL,
              ``email`` ODDSTRING<80> NOT NULL,
              ``status`` ODDENUM<a|b> NOT NULL DEFAULT q{a},
              ``team_id`` ODDINT,
              ``seen`` ODD_TIMESTAMPWITHTIMEZONE DEFAULT CURRENT_TIMESTAMP,
              CONSTRAINT ``users_team_id_fkey`` FOREIGN KEY (``team_id``) REFERENCES ``teams`` (``id``) ON DELETE CASCADE ON UPDATE RESTRICT,
              CONSTRAINT ``users_email_not_blank`` CHECK (email <> '')
            )
            """,
            "CREATE UNIQUE INDEX ``users_email_key`` ON ``users`` (``email``)",
        ])
    }

    @Test func compositePrimaryKeyIsATableConstraint() throws {
        var table = TableDefinition(name: "tags")
        for element: any TableElement in [Column("post_id", .integer).notNull(), Column("name", .string(length: 9)), PrimaryKey("post_id", "name")] {
            element.add(to: &table)
        }
        let statement = try #require(try render(.createTable(table, ifNotExists: true)).first)
        #expect(statement.hasPrefix("CREATE TABLE IF NOT EXISTS ``tags``"))
        #expect(statement.contains("  PRIMARY KEY (``post_id``, ``name``)\n)"))
    }

    @Test func columnsIndexesAndConstraints() throws {
        #expect(try render(.addColumn(Column("n", .integer).notNull().defaults(to: 0), table: "t", ifNotExists: false))
                == ["ALTER TABLE ``t`` ADD COLUMN ``n`` ODDINT NOT NULL DEFAULT 0"])
        #expect(try render(.addColumn(Column("u", .integer).references("users"), table: "t", ifNotExists: false)) == [
            "ALTER TABLE ``t`` ADD COLUMN ``u`` ODDINT",
            "ALTER TABLE ``t`` ADD CONSTRAINT ``t_u_fkey`` FOREIGN KEY (``u``) REFERENCES ``users`` (``id``)",
        ])
        #expect(try render(.removeColumn("n", table: "t", ifExists: false)) == ["ALTER TABLE ``t`` DROP COLUMN ``n``"])
        #expect(try render(.renameColumn("a", to: "b", table: "t")) == ["ALTER TABLE ``t`` RENAME COLUMN ``a`` TO ``b``"])
        #expect(try render(.renameTable("a", to: "b")) == ["ALTER TABLE ``a`` RENAME TO ``b``"])
        #expect(try render(.dropTable("t", ifExists: true)) == ["DROP TABLE IF EXISTS ``t``"])
        let partial = Index(table: "t", columns: ["a", "b"], isUnique: true, predicate: "a > 0")
        #expect(try render(.addIndex(partial, concurrently: false, ifNotExists: true))
                == ["CREATE UNIQUE INDEX IF NOT EXISTS ``t_a_b_key`` ON ``t`` (``a``, ``b``) WHERE a > 0"])
        // This dialect names the table when dropping an index.
        #expect(try render(.removeIndex("t_a_b_key", table: "t", concurrently: false, ifExists: true))
                == ["DROP INDEX IF EXISTS ``t_a_b_key`` ON ``t``"])
        #expect(try render(.removeForeignKey("t_u_fkey", table: "t", ifExists: false)) == ["ALTER TABLE ``t`` DROP CONSTRAINT ``t_u_fkey``"])
        #expect(try render(.addCheck(Check("c", "a > 0"), table: "t")) == ["ALTER TABLE ``t`` ADD CONSTRAINT ``c`` CHECK (a > 0)"])
    }

    @Test func rawSQLQuotesNamesAndBindsValuesWithTheDialectsPlaceholders() throws {
        let statements = try sql.statements(for: .sql("UPDATE \(identifier: "t") SET a = \(bind: "x") WHERE b = \(bind: 3)"))
        #expect(statements.map(\.text) == ["UPDATE ``t`` SET a = :p1 WHERE b = :p2"])
        #expect(statements.first?.binds == [.text("x"), .integer(3)])
    }

    @Test func unsupportedOperationsNameTheOperationTheDialectAndAWorkaround() throws {
        let concurrent = Index(table: "t", columns: ["a"])
        let cases: [(SchemaChange, String)] = [
            (.addIndex(concurrent, concurrently: true, ifNotExists: false), "addIndex concurrently: (index t_a_idx) is not supported on odd."),
            (.changeColumn(Column("a", .integer), table: "t"), "changeColumn (t.a) is not supported on odd."),
            (.addEnumValue("c", column: "s", table: "t"), "addEnumValue ('c' to t.s) is not supported on odd."),
        ]
        for (change, message) in cases {
            let error = try #require(throws: StrataError.self) { try sql.statements(for: change) }
            #expect(error.message == message)
            #expect(error.hint?.hasPrefix("Workaround: ") == true)
        }
    }

    @Test func namesAreShortenedToWhatEveryDatabaseAccepts() {
        let long = Index(table: String(repeating: "t", count: 40), columns: [String(repeating: "c", count: 40)])
        #expect(long.name.count == SchemaNaming.maximumLength)
        #expect(long.name != Index(table: String(repeating: "t", count: 40), columns: [String(repeating: "d", count: 40)]).name)
        #expect(SchemaNaming.enumTypeName(table: "users", column: "status") == "enum_users_status")
    }

    @Test func reportedDefaultsAreNormalised() {
        #expect(ColumnDefault.normalized("'active'", type: nil) == .string("active"))
        #expect(ColumnDefault.normalized("CURRENT_TIMESTAMP", type: .datetime) == .currentTimestamp)
        #expect(ColumnDefault.normalized("'a'::x", type: .text) == .expression("'a'::x"))
        #expect(ColumnDefault.normalized("0.00", type: .decimal(precision: 10, scale: 2)) == .double(0))
        #expect(ColumnDefault.normalized("1", type: .bool) == .bool(true))
        #expect(ColumnDefault.normalized("NULL", type: .text) == nil)
        #expect(ColumnDefault.normalized("'it''s'", type: .text) == .string("it's"))
        #expect(ColumnDefault.normalized("gen_random_uuid()", type: .uuid) == .expression("gen_random_uuid()"))
    }
}
