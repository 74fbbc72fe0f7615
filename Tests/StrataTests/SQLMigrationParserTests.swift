import Strata
import Testing

@Suite struct SQLMigrationParserTests {
    let parser = SQLMigrationParser(syntax: .standard)

    @Test func readsUpAndDownSectionsWithFileLines() throws {
        let text = """
            -- A comment before the sections is fine.
            -- migrate:up
            CREATE TABLE users (id INT);
            CREATE INDEX users_id ON users (id);

            -- migrate:down
            DROP TABLE users;
            """
        let sections = try parser.parse(text, fileName: "m.sql")
        #expect(sections.up.statements.map(\.text) == ["CREATE TABLE users (id INT)", "CREATE INDEX users_id ON users (id)"])
        #expect(sections.up.statements.map(\.line) == [3, 4])
        #expect(sections.up.runsInTransaction)
        #expect(sections.down?.statements.map(\.text) == ["DROP TABLE users"])
        #expect(sections.down?.statements.first?.line == 7)
    }

    @Test func transactionFalseOptOut() throws {
        let sections = try parser.parse("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- migrate:down\nDROP INDEX i;", fileName: "m.sql")
        #expect(!sections.up.runsInTransaction)
        #expect(sections.down?.runsInTransaction == true)
    }

    @Test func foreignKeysDeferredIsASectionOption() throws {
        let sections = try parser.parse("-- migrate:up foreign_keys:deferred\nDROP TABLE t;\n-- migrate:down\nSELECT 1;", fileName: "m.sql")
        #expect(sections.up.defersForeignKeys)
        #expect(sections.up.runsInTransaction)
        #expect(sections.down?.defersForeignKeys == false)
        let error = #expect(throws: StrataError.self) {
            try parser.parse("-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false foreign_keys:deferred\nSELECT 2;", fileName: "m.sql")
        }
        #expect(error?.message.contains("m.sql, line 3: foreign_keys:deferred with transaction:false") == true, "\(error?.message ?? "")")
    }

    @Test func noDownMarkerMeansIrreversibleAndAnEmptyOneMeansNothingToUndo() throws {
        #expect(try parser.parse("-- migrate:up\nSELECT 1;", fileName: "m.sql").down == nil)
        let empty = try parser.parse("-- migrate:up\nSELECT 1;\n-- migrate:down\n", fileName: "m.sql")
        #expect(empty.down?.statements.isEmpty == true)
    }

    @Test func aMarkerOnTheLastLineWithoutANewline() throws {
        let sections = try parser.parse("-- migrate:up\nSELECT 1;\n-- migrate:down", fileName: "m.sql")
        #expect(sections.down?.statements.isEmpty == true)
        #expect(try parser.parse("-- migrate:up", fileName: "m.sql").up.statements.isEmpty)
    }

    @Test func lastStatementNeedsNoSemicolon() throws {
        let sections = try parser.parse("-- migrate:up\nCREATE TABLE a (x INT)\n-- migrate:down\nDROP TABLE a", fileName: "m.sql")
        #expect(sections.up.statements.map(\.text) == ["CREATE TABLE a (x INT)"])
        #expect(sections.down?.statements.map(\.text) == ["DROP TABLE a"])
    }

    @Test(arguments: [
        ("CREATE TABLE a (x INT);", "has no `-- migrate:up` section"),
        ("-- migrate:down\nDROP TABLE a;", "has no `-- migrate:up` section"),
        ("-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;", "line 3: a second `-- migrate:up` section"),
        ("-- migrate:up transaction:maybe\nSELECT 1;", "line 1: the unknown section option `transaction:maybe`"),
        ("SELECT 0;\n-- migrate:up\nSELECT 1;", "line 1: a statement before the first"),
        ("-- migrate:up\nSELECT 1;\nSELECT 'open;", "line 3: an unterminated string literal"),
        // A guard must guard: with no query, or with no statement after it, it is refused
        // before anything runs, rather than leaving the statement unguarded.
        ("-- migrate:up\n-- strata:skip-if\nALTER TABLE t ADD COLUMN y INT;", "line 2: an empty `-- strata:skip-if` guard"),
        ("-- migrate:up\n-- strata:skip-if   ;  \nALTER TABLE t ADD COLUMN y INT;", "line 2: an empty `-- strata:skip-if` guard"),
        ("-- migrate:up\nSELECT 1;\n-- strata:skip-if SELECT 1\n-- migrate:down\nSELECT 2;", "line 3: an unattached `-- strata:skip-if` guard"),
        ("-- migrate:up\n-- strata:skip-if SELECT 1\n-- strata:skip-if SELECT 2\nSELECT 3;", "line 3: an extra `-- strata:skip-if` guard: the guard on line 2"),
    ])
    func badFilesAreConfigurationErrorsNamingFileAndLine(text: String, expected: String) {
        let error = #expect(throws: StrataError.self) { try parser.parse(text, fileName: "db/migrations/x.sql") }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("db/migrations/x.sql") == true)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }
}
