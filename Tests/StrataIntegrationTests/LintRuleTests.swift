import Foundation
import Strata
import StrataMySQL
import StrataPostgres
import StrataSQLite
import Testing

/// Every lint rule on every dialect it applies to: firing on a table that exists, and not
/// firing on one a migration not yet applied creates.
@Suite struct LintRuleTests {
    /// A lint case: the dialect, the rule, an up section that must fire it, and one that must not.
    struct Case: Sendable, CustomStringConvertible {
        let dialect: String
        let code: LintCode
        let fires: String
        let quiet: String
        var firesOptions = ""
        var quietOptions = ""
        var description: String { "\(dialect) \(code)" }
    }

    static func dialect(_ name: String) -> any SQLDialect {
        switch name {
        case "postgres": PostgresDriver().dialect
        case "mysql": MySQLDriver().dialect
        default: SQLiteDriver().dialect
        }
    }

    /// Findings of up sections given as (up, options), each a migration with a down section
    /// unless `down` is false, linted together in order.
    static func lint(_ dialectName: String, _ sections: [(String, String)], down: Bool = true, schema: SchemaSnapshot? = nil,
                     severities: [LintCode: LintSeverity?] = [:]) throws -> [LintFinding] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (index, (up, options)) in sections.enumerated() {
            let text = "-- migrate:up \(options)\n\(up)\n" + (down ? "-- migrate:down\nSELECT 1;\n" : "")
            try text.write(toFile: "\(directory.path)/2025010100000\(index + 1)-step-\(index + 1).sql", atomically: true, encoding: .utf8)
        }
        let dialect = dialect(dialectName)
        let migrations = try MigrationDirectory(path: directory.path, syntax: dialect.syntax).load()
        return MigrationLinter(dialect: dialect, severities: severities, schema: schema).lint(migrations.map(MigrationLinter.Section.init))
    }

    static let common: [Case] = ["sqlite", "postgres", "mysql"].flatMap { dialect in [
        Case(dialect: dialect, code: .dropTable, fires: "DROP TABLE users;", quiet: "CREATE TABLE users (id INTEGER);\nDROP TABLE users;"),
        Case(dialect: dialect, code: .dropColumn, fires: "ALTER TABLE users DROP COLUMN email;", quiet: "CREATE TABLE users (id INTEGER, email TEXT);\nALTER TABLE users DROP COLUMN email;"),
        Case(dialect: dialect, code: .renameTable, fires: "ALTER TABLE users RENAME TO people;", quiet: "CREATE TABLE users (id INTEGER);\nALTER TABLE users RENAME TO people;"),
        Case(dialect: dialect, code: .renameColumn, fires: "ALTER TABLE users RENAME COLUMN mail TO email;", quiet: "CREATE TABLE users (mail TEXT);\nALTER TABLE users RENAME COLUMN mail TO email;"),
        Case(dialect: dialect, code: .notNullWithoutDefault, fires: "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL;", quiet: "ALTER TABLE users ADD COLUMN age INTEGER NOT NULL DEFAULT 0;"),
        Case(dialect: dialect, code: .uniqueOnExisting, fires: "CREATE UNIQUE INDEX users_email ON users (email);", quiet: "CREATE TABLE users (email TEXT);\nCREATE UNIQUE INDEX users_email ON users (email);"),
        Case(dialect: dialect, code: .nonTransactionalSeveral, fires: "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);", quiet: "CREATE TABLE a (id INTEGER);",
             firesOptions: "transaction:false", quietOptions: "transaction:false"),
    ] } + ["postgres", "mysql"].flatMap { dialect in [
        Case(dialect: dialect, code: .truncate, fires: "TRUNCATE users;", quiet: "CREATE TABLE users (id INTEGER);\nTRUNCATE users;"),
        Case(dialect: dialect, code: .typeChange, fires: dialect == "postgres" ? "ALTER TABLE users ALTER COLUMN age TYPE BIGINT;" : "ALTER TABLE users MODIFY age BIGINT, ALGORITHM=COPY;",
             quiet: "CREATE TABLE users (age INTEGER);\n" + (dialect == "postgres" ? "ALTER TABLE users ALTER COLUMN age TYPE BIGINT;" : "ALTER TABLE users MODIFY age BIGINT;")),
    ] }

    static let postgres: [Case] = [
        Case(dialect: "postgres", code: .indexNotConcurrent, fires: "CREATE INDEX users_age ON users (age);", quiet: "CREATE INDEX CONCURRENTLY users_age ON users (age);",
             quietOptions: "transaction:false"),
        Case(dialect: "postgres", code: .indexNotConcurrent, fires: "DROP INDEX users_age;", quiet: "DROP INDEX CONCURRENTLY users_age;", quietOptions: "transaction:false"),
        Case(dialect: "postgres", code: .concurrentlyInTransaction, fires: "CREATE INDEX CONCURRENTLY users_age ON users (age);",
             quiet: "CREATE INDEX CONCURRENTLY users_age ON users (age);", quietOptions: "transaction:false"),
        Case(dialect: "postgres", code: .constraintValidated, fires: "ALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id);",
             quiet: "ALTER TABLE posts ADD CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"),
        Case(dialect: "postgres", code: .constraintValidated, fires: "ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);",
             quiet: "CREATE TABLE users (age INTEGER);\nALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);"),
        Case(dialect: "postgres", code: .setNotNull, fires: "ALTER TABLE users ALTER COLUMN age SET NOT NULL;",
             quiet: "CREATE TABLE users (age INTEGER);\nALTER TABLE users ALTER COLUMN age SET NOT NULL;"),
        Case(dialect: "postgres", code: .rewritingTypeChange, fires: "ALTER TABLE users ALTER COLUMN age TYPE BIGINT;",
             quiet: "CREATE TABLE users (age INTEGER);\nALTER TABLE users ALTER COLUMN age TYPE BIGINT;"),
        Case(dialect: "postgres", code: .volatileDefault, fires: "ALTER TABLE users ADD COLUMN token UUID DEFAULT gen_random_uuid();",
             quiet: "ALTER TABLE users ADD COLUMN created TIMESTAMPTZ DEFAULT now();"),
        Case(dialect: "postgres", code: .missingLockTimeout, fires: "ALTER TABLE users ADD COLUMN note TEXT;",
             quiet: "SET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN note TEXT;"),
        Case(dialect: "postgres", code: .dropEnumValue, fires: "DROP TYPE mood;", quiet: "CREATE TYPE mood AS ENUM ('a');"),
    ]

    static let mysql: [Case] = [
        Case(dialect: "mysql", code: .renameTable, fires: "RENAME TABLE users TO people;", quiet: "CREATE TABLE users (id INTEGER);\nRENAME TABLE users TO people;"),
        Case(dialect: "mysql", code: .renameColumn, fires: "ALTER TABLE users CHANGE mail email VARCHAR(100), ALGORITHM=INSTANT;",
             quiet: "ALTER TABLE users CHANGE email email VARCHAR(200), ALGORITHM=INPLACE;"),
        Case(dialect: "mysql", code: .typeChange, fires: "ALTER TABLE users CHANGE email email VARCHAR(200), ALGORITHM=INPLACE;",
             quiet: "CREATE TABLE users (email VARCHAR(100));\nALTER TABLE users CHANGE email email VARCHAR(200);"),
        Case(dialect: "mysql", code: .tableCopy, fires: "ALTER TABLE users ADD COLUMN note TEXT;", quiet: "ALTER TABLE users ADD COLUMN note TEXT, ALGORITHM=INSTANT;"),
        Case(dialect: "mysql", code: .enumReordered, fires: "ALTER TABLE users MODIFY status ENUM('b', 'a'), ALGORITHM=COPY;",
             quiet: "ALTER TABLE users MODIFY status ENUM('a', 'b', 'c'), ALGORITHM=INSTANT;"),
        Case(dialect: "mysql", code: .dropEnumValue, fires: "ALTER TABLE users MODIFY status ENUM('a'), ALGORITHM=COPY;",
             quiet: "ALTER TABLE users MODIFY status ENUM('a', 'b', 'c'), ALGORITHM=INSTANT;"),
    ]

    /// What the MySQL enum rules compare with: the column as the database has it.
    static let schema = SchemaSnapshot([.init(.table, "users"), .init(.column, "users.status", "enum('a','b') not null")])

    @Test(arguments: common + postgres + mysql)
    func ruleFiresOnATableThatExistsAndNotOnANewOne(_ lintCase: Case) throws {
        let fired = try Self.lint(lintCase.dialect, [(lintCase.fires, lintCase.firesOptions)], schema: lintCase.dialect == "mysql" ? Self.schema : nil)
        let finding = fired.first { $0.code == lintCase.code }
        #expect(finding != nil, "\(fired.map(\.message))")
        #expect(finding?.severity == lintCase.code.defaultSeverity)
        #expect(finding?.line == 2 || finding?.line == nil, "the finding names the statement's line")
        let quiet = try Self.lint(lintCase.dialect, [(lintCase.quiet, lintCase.quietOptions)], schema: lintCase.dialect == "mysql" ? Self.schema : nil)
        #expect(!quiet.contains { $0.code == lintCase.code }, "\(quiet.map(\.message))")
    }

    @Test(arguments: ["sqlite", "postgres", "mysql"])
    func aTableCreatedByAnotherPendingMigrationIsNew(dialect: String) throws {
        let findings = try Self.lint(dialect, [("CREATE TABLE users (id INTEGER, email TEXT);", ""), ("ALTER TABLE users DROP COLUMN email;\nDROP TABLE users;", "")])
        #expect(!findings.contains { $0.code.category == .destructive }, "\(findings.map(\.message))")
        let missingDown = try Self.lint(dialect, [("CREATE TABLE users (id INTEGER);", "")], down: false)
        #expect(missingDown.map(\.code) == [.missingDown] && missingDown.first?.severity == .warning)
    }

    @Test func ignoreCommentsNeedAReasonAndSeveritiesComeFromTheConfiguration() throws {
        let ignored = try Self.lint("postgres", [("-- strata:lint-ignore ST101 replaced by accounts in 2.0, unused since\nDROP TABLE users;", "")])
        #expect(!ignored.contains { $0.code == .dropTable }, "\(ignored.map(\.message))")
        let byName = try Self.lint("postgres", [("-- strata:lint-ignore drop-table archived to S3 first\nDROP TABLE users;", "")])
        #expect(!byName.contains { $0.code == .dropTable })
        let unexplained = try Self.lint("postgres", [("-- strata:lint-ignore ST101\nDROP TABLE users;", "")])
        #expect(unexplained.first { $0.code == .dropTable }?.message.contains("gives no reason, so it does not count") == true)
        let elsewhere = try Self.lint("postgres", [("-- strata:lint-ignore ST101 not this one\nSELECT 1;\nDROP TABLE users;", "")])
        #expect(elsewhere.contains { $0.code == .dropTable }, "an ignore silences the statement right below it only")

        let configuration = try ConfigurationLoader.parse("""
            lint:
              ST101: warning
              lock-timeout: off
              ST501: error
            environments:
              development:
                url: sqlite:db/dev.sqlite3
            """, file: "strata.yml")
        let severities = try configuration.lintSeverities()
        let adjusted = try Self.lint("postgres", [("DROP TABLE users;\nALTER TABLE users ADD COLUMN note TEXT;", "")], severities: severities)
        #expect(adjusted.first { $0.code == .dropTable }?.severity == .warning)
        #expect(!adjusted.contains { $0.code == .missingLockTimeout })
        for (yaml, expected) in [("lint:\n  ST999: error\n", "strata.yml:2: `lint` names no rule ST999"), ("lint:\n  ST101: fatal\n", "gives ST101 the severity \"fatal\"")] {
            let bad = try ConfigurationLoader.parse(yaml + "environments:\n  development:\n    url: sqlite:a.db\n", file: "strata.yml")
            #expect { try bad.lintSeverities() } throws: { ($0 as? StrataError)?.message.contains(expected) == true }
        }
    }
}
