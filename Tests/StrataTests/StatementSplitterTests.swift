import Strata
import Testing

@Suite struct StatementSplitterTests {
    let standard = StatementSplitter(syntax: .standard)

    @Test func splitsAtTopLevelSemicolonsAndKeepsLines() throws {
        let statements = try standard.split("CREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (1);\nSELECT 1", firstLine: 5)
        #expect(statements.map(\.text) == ["CREATE TABLE a (x INT)", "INSERT INTO a VALUES (1)", "SELECT 1"])
        #expect(statements.map(\.line) == [5, 7, 8])
    }

    @Test func semicolonsInsideQuotesAndCommentsDoNotSplit() throws {
        let sql = """
            INSERT INTO t VALUES ('a;b', 'it''s; fine'); -- a comment; with a semicolon
            /* block; comment */ SELECT "odd;name" FROM t;
            """
        let statements = try standard.split(sql)
        #expect(statements.count == 2)
        #expect(statements[0].text == "INSERT INTO t VALUES ('a;b', 'it''s; fine')")
        #expect(statements[1].text == "SELECT \"odd;name\" FROM t")
        #expect(statements[1].line == 2)
    }

    @Test func commentOnlyScriptsHaveNoStatements() throws {
        #expect(try standard.split("-- nothing here;\n/* nor; here */\n  \n").isEmpty)
    }

    @Test func triggerBodiesStayWhole() throws {
        let sql = """
            CREATE TRIGGER touch AFTER UPDATE ON users
            FOR EACH ROW WHEN CASE WHEN NEW.a > 0 THEN 1 ELSE 0 END
            BEGIN
                UPDATE users SET b = CASE WHEN NEW.a > 1 THEN 'x' ELSE 'y' END WHERE id = NEW.id;
                INSERT INTO log VALUES (NEW.id);
            END;
            DROP TABLE x;
            """
        let statements = try standard.split(sql)
        #expect(statements.count == 2)
        #expect(statements[0].text.hasSuffix("END"))
        #expect(statements[0].text.contains("INSERT INTO log"))
        #expect(statements[1].text == "DROP TABLE x")
        #expect(statements[1].line == 7)
    }

    @Test func beginTransactionOutsideATriggerIsAnOrdinaryStatement() throws {
        let statements = try standard.split("BEGIN; SELECT 1; END;")
        #expect(statements.map(\.text) == ["BEGIN", "SELECT 1", "END"])
    }

    @Test func mysqlProcedureBodiesWithEndIfStayWhole() throws {
        let mysql = StatementSplitter(syntax: SQLSyntax(backslashEscapesInStrings: true, hashLineComments: true, backtickQuotedIdentifiers: true))
        let sql = """
            CREATE PROCEDURE p() BEGIN
              IF 1 = 1 THEN SELECT 'a\\';b'; END IF;
              CASE WHEN 1 THEN SELECT 1; END CASE;
            END;
            # a hash comment; here
            SELECT `a;b`;
            """
        let statements = try mysql.split(sql)
        #expect(statements.count == 2)
        #expect(statements[0].text.hasSuffix("END"))
        #expect(statements[1].text == "SELECT `a;b`")
    }

    @Test func postgresDollarQuotesEscapeStringsAndNestedComments() throws {
        let postgres = StatementSplitter(syntax: SQLSyntax(dollarQuotedStrings: true, nestedBlockComments: true, escapeStringPrefix: true))
        let sql = """
            CREATE FUNCTION f() RETURNS trigger AS $body$
            BEGIN
              NEW.x := 'a;b'; RETURN NEW;
            END;
            $body$ LANGUAGE plpgsql;
            SELECT $$;$$, E'it\\'s;', $1;
            /* outer /* inner; */ still comment; */ SELECT 2;
            """
        let statements = try postgres.split(sql)
        #expect(statements.count == 3)
        #expect(statements[0].text.hasSuffix("LANGUAGE plpgsql"))
        #expect(statements[1].text == "SELECT $$;$$, E'it\\'s;', $1")
        #expect(statements[2].text == "SELECT 2")
        #expect(statements[2].line == 7)
    }

    @Test func dollarSignsAreOrdinaryWithoutDollarQuoting() throws {
        #expect(try standard.split("SELECT $$; SELECT 2;").count == 2)
    }

    @Test func bracketAndBacktickIdentifiers() throws {
        let sqlite = StatementSplitter(syntax: SQLSyntax(backtickQuotedIdentifiers: true, bracketQuotedIdentifiers: true))
        let statements = try sqlite.split("SELECT [a;b], `c;d` FROM t; SELECT 2")
        #expect(statements.map(\.text) == ["SELECT [a;b], `c;d` FROM t", "SELECT 2"])
    }

    @Test(arguments: [
        ("SELECT 'open", 1, "unterminated string literal"),
        ("SELECT 1;\nSELECT \"open", 2, "unterminated quoted identifier"),
        ("SELECT 1;\n\n/* open", 3, "unterminated /* comment */"),
        // Found by Fuzz/FuzzStatementSplitter: a body without its END swallowed every later
        // statement into one, which would be sent to the server as one.
        ("SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\nCREATE TABLE b (id INT);", 2,
         "unterminated BEGIN … END block: the statement opens more BEGIN (or CASE) blocks than it closes with END"),
    ])
    func unterminatedConstructsAreErrorsWithTheirLine(sql: String, line: Int, message: String) {
        #expect(throws: StatementSplitter.SyntaxError(message: message, line: line)) {
            try standard.split(sql)
        }
    }

    @Test func skipIfDirectiveAttachesToTheNextStatement() throws {
        let sql = """
            -- strata:skip-if SELECT 1 FROM t WHERE x = 1;
            ALTER TABLE t ADD COLUMN y INT;
            ALTER TABLE t ADD COLUMN z INT;
            """
        let statements = try standard.split(sql)
        #expect(statements[0].skipIf == "SELECT 1 FROM t WHERE x = 1")
        #expect(statements[1].skipIf == nil)
    }

    @Test func aCommentThatOnlyStartsLikeTheDirectiveIsAComment() throws {
        let statements = try standard.split("-- strata:skip-iffy is not a guard\nSELECT 1;")
        #expect(statements.map(\.text) == ["SELECT 1"])
        #expect(statements[0].skipIf == nil)
    }

    @Test func excerptShortensLongAndMultilineStatements() {
        let statement = SQLStatement(text: "CREATE TABLE a (\n  x INT\n)", line: 1)
        #expect(statement.excerpt == "CREATE TABLE a ( ...")
        let long = SQLStatement(text: String(repeating: "x", count: 150), line: 1)
        #expect(long.excerpt.count == 100)
    }
}
