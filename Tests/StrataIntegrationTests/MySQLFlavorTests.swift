import Foundation
import Logging
import Strata
@testable import StrataMySQL
import Testing

/// MySQL 8 as well as MariaDB. There is no MySQL 8 server here (Debian 12 ships none), so
/// the MySQL flavour is proven by rendering: golden SQL for every operation of the Schema
/// API, each statement checked against the MySQL 8.0 and 8.4 reference manuals' grammar
/// (`CREATE TABLE`, `ALTER TABLE`, `CREATE INDEX`, `DROP INDEX`); and what is meant for
/// both flavours also runs on the real MariaDB.
@Suite struct MySQLFlavorTests {
    static let mysql80 = MySQLFlavor(.mysql, version: [8, 0, 36])
    static let mysql84 = MySQLFlavor(.mysql, version: [8, 4, 3])
    static let mysql8018 = MySQLFlavor(.mysql, version: [8, 0, 18])
    static let mariadb = MySQLFlavor(.mariadb, version: [10, 11, 6])

    @Test(arguments: [
        ("10.11.6-MariaDB-0+deb12u1", "Debian 12", MySQLFlavor(.mariadb, version: [10, 11, 6]), "mariadb 10.11.6"),
        ("5.5.5-10.6.18-MariaDB", "mariadb.org binary distribution", MySQLFlavor(.mariadb, version: [10, 6, 18]), "mariadb 10.6.18"),
        ("8.0.36", "MySQL Community Server - GPL", MySQLFlavor(.mysql, version: [8, 0, 36]), "mysql 8.0.36"),
        ("8.4.3-commercial", "MySQL Enterprise Server - Commercial", MySQLFlavor(.mysql, version: [8, 4, 3]), "mysql 8.4.3"),
        ("8.0.35-27", "Percona Server (GPL), Release 27", MySQLFlavor(.mysql, version: [8, 0, 35]), "mysql 8.0.35"),
    ])
    func theFlavourIsReadFromTheServersVersion(version: String, comment: String, flavor: MySQLFlavor, description: String) {
        #expect(MySQLFlavor(version: version, comment: comment) == flavor)
        #expect(flavor.description == description)
    }

    @Test func theCapabilitiesFollowTheServerAndItsVersion() {
        #expect(Self.mariadb.hasConditionalAlterations)
        #expect(!Self.mysql80.hasConditionalAlterations && !MySQLFlavor.portable.hasConditionalAlterations)
        #expect([Self.mariadb, Self.mysql80, Self.mysql84, MySQLFlavor.portable].allSatisfy { $0.checkDropKeyword == "CONSTRAINT" })
        #expect(Self.mysql8018.checkDropKeyword == "CHECK")
        #expect(Self.mariadb.checkConstraintsNameTheirTable && !Self.mysql80.checkConstraintsNameTheirTable)
        #expect(MySQLFlavor.portable.description == "portable")
        // A functional key part (MySQL 8.0.13) is read from STATISTICS.EXPRESSION, which MariaDB lacks.
        #expect(MySQLSchemaDialect(flavor: Self.mysql80).indexedPart == "COALESCE(COLUMN_NAME, CONCAT('(', EXPRESSION, ')'))")
        #expect(MySQLSchemaDialect(flavor: Self.mariadb).indexedPart == "COLUMN_NAME")
        #expect(MySQLSchemaDialect(flavor: .portable).indexedPart == "COLUMN_NAME")
        #expect(Self.mariadb.lockTimeout(.milliseconds(250)) == .double(0.25))
        #expect(Self.mysql80.lockTimeout(.milliseconds(250)) == .integer(1))
        #expect(Self.mysql80.lockTimeout(.seconds(30)) == .integer(30))
    }

    /// Backups and schema dumps use the server's own client, in its own spelling: for
    /// `flavor: mysql`, MySQL 8's `mysqldump` with `--ssl-mode` (its `--ssl` is gone) and no
    /// GTIDs; otherwise MariaDB's `mariadb-dump`, which the live tests run.
    @Test func theDumpToolAndItsTLSOptionsFollowTheFlavour() throws {
        var settings = ConnectionSettings(dialect: "mysql")
        settings.host = "db.example.com"
        settings.database = "app"
        settings.username = "app"
        settings.tls = .verifyFull
        let portable = MySQLDriver().dumpTool(["--single-transaction"], settings, logger: Logger(label: "test"))
        #expect(portable.executables == ["mariadb-dump", "mysqldump"])
        #expect(portable.arguments == [
            "--single-transaction", "--protocol=TCP", "--host=db.example.com", "--port=3306", "--user=app",
            "--ssl", "--ssl-verify-server-cert", "--ssl-capath=/etc/ssl/certs", "app",
        ])
        settings.options["flavor"] = "mysql"
        let mysql = MySQLDriver().dumpTool(["--single-transaction"], settings, logger: Logger(label: "test"))
        #expect(mysql.executables == ["mysqldump", "mariadb-dump"])
        #expect(mysql.arguments == [
            "--single-transaction", "--set-gtid-purged=OFF", "--protocol=TCP", "--host=db.example.com", "--port=3306", "--user=app",
            "--ssl-mode=VERIFY_IDENTITY", "--ssl-capath=/etc/ssl/certs", "app",
        ])
        #expect(MySQLDriver().loader(settings, logger: Logger(label: "test")).executables == ["mysql", "mariadb"])
        #expect(Self.mysql80.clientTLSArguments(.disable) == ["--ssl-mode=DISABLED"])
        #expect(Self.mysql80.clientTLSArguments(.require) == ["--ssl-mode=REQUIRED"])
        #expect(Self.mariadb.clientTLSArguments(.disable) == ["--skip-ssl"])
        #expect(Self.mariadb.clientTLSArguments(.require) == ["--ssl", "--skip-ssl-verify-server-cert"])
    }

    /// Without a server, the environment's `flavor:` chooses the SQL of `strata generate`:
    /// MariaDB's `ADD COLUMN IF NOT EXISTS`, or a guard reading `information_schema` for
    /// MySQL 8 and when none is named; any other value is refused, naming it.
    @Test(arguments: [("mariadb", true), ("mysql", false), (nil, false)] as [(String?, Bool)])
    func theConfiguredFlavourChoosesTheTemplatesSQL(flavor: String?, conditional: Bool) async throws {
        let project = try TemporaryDirectory()
        defer { project.remove() }
        let line = flavor.map { "\n    flavor: \($0)" } ?? ""
        try "environments:\n  development:\n    url: mysql://app:secret@127.0.0.1:1/app\(line)\n"
            .write(toFile: project.path + "/strata.yml", atomically: true, encoding: .utf8)
        let generated = try await StrataProcess.run(["generate", "add-status-to-users", "--template", "modify-table"], in: project.path)
        #expect(generated.status == 0, "\(generated)")
        let directory = project.path + "/db/migrations"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first)
        let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
        #expect(text.contains("ADD COLUMN IF NOT EXISTS `status`") == conditional, "\(text)")
        #expect(text.contains("-- strata:skip-if SELECT 1 FROM information_schema.COLUMNS") != conditional, "\(text)")
        #expect(text.contains("-- strata:skip-if SELECT 1 FROM DUAL WHERE NOT EXISTS") != conditional, "\(text)")
    }

    @Test func anUnknownFlavourIsRefusedNamingIt() async throws {
        let project = try TemporaryDirectory()
        defer { project.remove() }
        try "environments:\n  development:\n    url: mysql://app:secret@127.0.0.1:1/app\n    flavor: oracle\n"
            .write(toFile: project.path + "/strata.yml", atomically: true, encoding: .utf8)
        let refused = try await StrataProcess.run(["generate", "add-status-to-users", "--template", "modify-table"], in: project.path)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("Unknown MySQL flavor `oracle`"), "\(refused)")
        #expect(refused.stderr.contains("flavor: mysql"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: project.path + "/db/migrations"))
    }

    /// What the common rendering writes, the same for every flavour, read against MySQL 8's
    /// grammar: expression defaults in parentheses (8.0.13+), checks (enforced from 8.0.16),
    /// `RENAME COLUMN` (8.0+), `DATETIME(6)` with `CURRENT_TIMESTAMP(6)`.
    @Test func everyOperationRendersSQLThatMySQL8Reads() throws {
        let golden = [
            """
            CREATE TABLE `users` (
              `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
              `email` VARCHAR(255) NOT NULL,
              `status` ENUM('active','it''s off') NOT NULL DEFAULT 'active',
              `score` DECIMAL(10,2) DEFAULT 0.5,
              `flag` TINYINT(1) NOT NULL DEFAULT 0,
              `payload` JSON,
              `token` CHAR(36) DEFAULT (UUID()),
              `createdAt` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
              `teamId` BIGINT,
              CONSTRAINT `users_teamId_fkey` FOREIGN KEY (`teamId`) REFERENCES `teams` (`id`) ON DELETE CASCADE,
              CONSTRAINT `users_email_nonempty` CHECK (email <> '')
            )
            """,
            "CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`)",
            """
            CREATE TABLE `memberships` (
              `userId` INT NOT NULL,
              `teamId` INT NOT NULL,
              `note` LONGTEXT,
              `blob` LONGBLOB,
              PRIMARY KEY (`userId`, `teamId`)
            )
            """,
            "DROP TABLE `users`",
            "DROP TABLE IF EXISTS `users`",
            "ALTER TABLE `users` RENAME TO `people`",
            "ALTER TABLE `users` ADD COLUMN `nickname` VARCHAR(40) DEFAULT 'x'",
            "ALTER TABLE `teams` ADD COLUMN `ownerId` INT",
            "ALTER TABLE `teams` ADD CONSTRAINT `teams_ownerId_fkey` FOREIGN KEY (`ownerId`) REFERENCES `users` (`id`)",
            "CREATE UNIQUE INDEX `teams_ownerId_key` ON `teams` (`ownerId`)",
            "ALTER TABLE `users` DROP COLUMN `nickname`",
            "ALTER TABLE `users` RENAME COLUMN `email` TO `mail`",
            "CREATE INDEX `users_status_createdAt_idx` ON `users` (`status`, `createdAt`)",
            "CREATE UNIQUE INDEX `users_mail` ON `users` (`email`)",
            "ALTER TABLE `users` ADD CONSTRAINT `users_team_fk` FOREIGN KEY (`teamId`) REFERENCES `teams` (`id`) ON DELETE SET NULL ON UPDATE CASCADE",
            "ALTER TABLE `users` ADD CONSTRAINT `users_score_positive` CHECK (score >= 0)",
            "UPDATE `users` SET status = ? WHERE status IS NULL",
        ]
        for flavor in [Self.mysql80, Self.mysql84, Self.mariadb, MySQLFlavor.portable] {
            let rendered = try Self.pureChanges.flatMap { try SchemaSQL(MySQLSchemaDialect(flavor: flavor)).statements(for: $0).map(\.text) }
            #expect(rendered == golden, "\(flavor)")
        }
    }

    /// One change of each kind the common rendering makes without reading the database.
    static var pureChanges: [SchemaChange] {
        var users = TableDefinition(name: "users")
        users.columns = [
            Column.id(),
            Column("email", .string(length: 255)).notNull().unique(),
            Column("status", .enum(["active", "it's off"])).notNull().defaults(to: "active"),
            Column("score", .decimal(precision: 10, scale: 2)).defaults(to: .double(0.5)),
            Column("flag", .bool).notNull().defaults(to: false),
            Column("payload", .json),
            Column("token", .uuid).defaults(to: .expression("UUID()")),
            Column("createdAt", .timestampWithTimeZone).notNull().defaults(to: .currentTimestamp),
            Column("teamId", .bigint).references("teams", onDelete: .cascade),
        ]
        users.checks = [Check("users_email_nonempty", "email <> ''")]
        var memberships = TableDefinition(name: "memberships")
        memberships.columns = [Column("userId", .integer).notNull(), Column("teamId", .integer).notNull(), Column("note", .text), Column("blob", .binary)]
        memberships.primaryKey = ["userId", "teamId"]
        return [
            .createTable(users, ifNotExists: false),
            .createTable(memberships, ifNotExists: false),
            .dropTable("users", ifExists: false),
            .dropTable("users", ifExists: true),
            .renameTable("users", to: "people"),
            .addColumn(Column("nickname", .string(length: 40)).defaults(to: "x"), table: "users", ifNotExists: false),
            .addColumn(Column("ownerId", .integer).references("users").unique(), table: "teams", ifNotExists: false),
            .removeColumn("nickname", table: "users", ifExists: false),
            .renameColumn("email", to: "mail", table: "users"),
            .addIndex(Index(table: "users", columns: ["status", "createdAt"]), concurrently: false, ifNotExists: false),
            .addIndex(Index(table: "users", columns: ["email"], name: "users_mail", isUnique: true), concurrently: false, ifNotExists: false),
            .addForeignKey(ForeignKey(["teamId"], references: "teams", onDelete: .setNull, onUpdate: .cascade, name: "users_team_fk"), table: "users"),
            .addCheck(Check("users_score_positive", "score >= 0"), table: "users"),
            .sql("UPDATE \(identifier: "users") SET status = \(bind: "active") WHERE status IS NULL"),
        ]
    }
}

/// The flavour on the real MariaDB: read from the server on connecting, and the SQL meant
/// for both flavours (what the MySQL flavour writes) run there.
@Suite(.enabled(if: ServerEnvironment.mysqlWanted, "MySQL tests are skipped: STRATA_MYSQL_URL is not set (scripts/test starts MariaDB and sets it)"))
struct MySQLFlavorServerTests {
    @Test func aConnectionKnowsItsServerAndRendersForIt() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        let connection = try await db.connect()
        let flavor = try await connection.closeAfter { (connection.dialect as? MySQLDialect)?.flavor }
        #expect(flavor?.server == .mariadb)
        #expect(flavor?.version.starts(with: [10, 11]) == true, "\(String(describing: flavor))")
        #expect((MySQLDialect(flavor: MySQLFlavorTests.mariadb).schemaDialect as? MySQLSchemaDialect)?.flavor == MySQLFlavorTests.mariadb)
        // Without a server, the dialect writes for both.
        #expect((TestDatabase.mysql.driver.dialect as? MySQLDialect)?.flavor == .portable)
    }

    /// A configured flavour is for writing SQL without a server: connected, the server's own
    /// wins. A flavour Strata does not know is refused before connecting.
    @Test func theServerSaysWhichItIsWhateverIsConfigured() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        var settings = db.settings
        settings.options["flavor"] = "mysql"
        let connection = try await TestDatabase.mysql.driver.connect(settings, logger: Logger(label: "test"))
        let flavor = try await connection.closeAfter { (connection.dialect as? MySQLDialect)?.flavor }
        #expect(flavor?.server == .mariadb)
        #expect(((try TestDatabase.mysql.driver.dialect(for: settings)) as? MySQLDialect)?.flavor == MySQLFlavor(.mysql))
        settings.options["flavor"] = "oracle"
        let refused = await #expect(throws: StrataError.self) { try await TestDatabase.mysql.driver.connect(settings, logger: Logger(label: "test")) }
        #expect(refused?.message.contains("Unknown MySQL flavor `oracle`") == true, "\(String(describing: refused))")
    }

    /// `ifExists` and `ifNotExists` of indexes and constraints look at `information_schema`
    /// first and write the plain statement (MySQL 8 has no `DROP INDEX IF EXISTS`); each
    /// statement the MySQL 8 flavour writes then runs on MariaDB.
    @Test func conditionalOperationsLookFirstAndTheirSQLRunsOnMariaDB() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        for sql in [
            "CREATE TABLE teams (id INTEGER PRIMARY KEY)",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, teamId INTEGER, score INTEGER, "
                + "CONSTRAINT users_team_fk FOREIGN KEY (teamId) REFERENCES teams (id), CONSTRAINT users_score_positive CHECK (score >= 0))",
            "CREATE INDEX users_score_idx ON users (score)",
        ] { _ = try await db.query(sql) }
        let connection = try await db.connect()
        try await connection.closeAfter {
            let context = SchemaContext(database: connection, inTransaction: false)
            let render = { (flavor: MySQLFlavor, change: SchemaChange) in
                try await MySQLSchemaDialect(flavor: flavor).statements(for: change, in: context).map(\.text)
            }
            // MySQL 8.0.16 to 8.0.18 drop a check with DROP CHECK (MariaDB does not read it: rendered only).
            #expect(try await render(MySQLFlavorTests.mysql8018, .removeCheck("users_score_positive", table: "users", ifExists: true))
                == ["ALTER TABLE `users` DROP CHECK `users_score_positive`"])

            let steps: [(SchemaChange, [String])] = [
                (.createTable(TableDefinition(name: "teams"), ifNotExists: true), []),
                (.addIndex(Index(table: "users", columns: ["score"], name: "users_score_idx"), concurrently: false, ifNotExists: true), []),
                (.addIndex(Index(table: "users", columns: ["score", "id"]), concurrently: false, ifNotExists: true),
                 ["CREATE INDEX `users_score_id_idx` ON `users` (`score`, `id`)"]),
                (.removeIndex("nothing_here", table: "users", concurrently: false, ifExists: true), []),
                (.removeIndex("users_score_idx", table: "users", concurrently: false, ifExists: true), ["DROP INDEX `users_score_idx` ON `users`"]),
                (.removeForeignKey("nothing_here", table: "users", ifExists: true), []),
                (.removeForeignKey("users_team_fk", table: "users", ifExists: true),
                 ["ALTER TABLE `users` DROP FOREIGN KEY `users_team_fk`", "DROP INDEX `users_team_fk` ON `users`"]),
                (.removeCheck("nothing_here", table: "users", ifExists: true), []),
                (.removeCheck("users_score_positive", table: "users", ifExists: true), ["ALTER TABLE `users` DROP CONSTRAINT `users_score_positive`"]),
            ]
            for (change, expected) in steps {
                let statements = try await render(MySQLFlavorTests.mysql80, change)
                #expect(statements == expected, "\(change.summary)")
                for statement in statements { try await connection.execute(statement) }
            }
            let left = try await MySQLSchemaDialect().snapshot(in: connection)
            #expect(left.objects(.constraint).isEmpty, "\(left.objects(.constraint))")
            #expect(left.objects(.index).map(\.name) == ["users.users_score_id_idx"], "\(left.objects(.index))")
        }
    }

    /// The operations that read the table before writing (`changeColumn`, `addEnumValue`,
    /// `removeColumn` with its foreign key, and the `ifExists` / `ifNotExists` of tables and
    /// columns) write these statements in the MySQL 8 flavour, each read against MySQL 8's
    /// `ALTER TABLE` grammar, and each runs on MariaDB.
    @Test func operationsThatReadTheTableWriteThisSQLForMySQL8AndItRunsOnMariaDB() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        for sql in [
            "CREATE TABLE teams (id INTEGER PRIMARY KEY)",
            "CREATE TABLE users (id INTEGER PRIMARY KEY, teamId INTEGER, status ENUM('active','off') NOT NULL, note VARCHAR(10), "
                + "CONSTRAINT users_team_fk FOREIGN KEY (teamId) REFERENCES teams (id))",
        ] { _ = try await db.query(sql) }
        var tags = TableDefinition(name: "tags")
        tags.columns = [Column.id()]
        let steps: [(SchemaChange, [String])] = [
            (.changeColumn(Column("note", .string(length: 40)).notNull().defaults(to: "none"), table: "users"),
             ["ALTER TABLE `users` MODIFY COLUMN `note` VARCHAR(40) NOT NULL DEFAULT 'none'"]),
            (.addEnumValue("suspended", column: "status", table: "users"),
             ["ALTER TABLE `users` MODIFY COLUMN `status` ENUM('active','off','suspended') NOT NULL"]),
            (.addEnumValue("off", column: "status", table: "users"), []),
            (.removeColumn("teamId", table: "users", ifExists: false),
             ["ALTER TABLE `users` DROP FOREIGN KEY `users_team_fk`", "ALTER TABLE `users` DROP COLUMN `teamId`"]),
            (.removeColumn("teamId", table: "users", ifExists: true), []),
            (.addColumn(Column("note", .string(length: 40)), table: "users", ifNotExists: true), []),
            (.addColumn(Column("email", .string(length: 255)), table: "users", ifNotExists: true), ["ALTER TABLE `users` ADD COLUMN `email` VARCHAR(255)"]),
            (.createTable(tags, ifNotExists: true), ["CREATE TABLE `tags` (\n  `id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY\n)"]),
            (.createTable(tags, ifNotExists: true), []),
            (.dropTable("nothing_here", ifExists: true), []),
        ]
        let connection = try await db.connect()
        try await connection.closeAfter {
            let context = SchemaContext(database: connection, inTransaction: false)
            for (change, expected) in steps {
                let statements = try await MySQLSchemaDialect(flavor: MySQLFlavorTests.mysql80).statements(for: change, in: context).map(\.text)
                #expect(statements == expected, "\(change.summary)")
                for statement in statements { try await connection.execute(statement) }
            }
            let columns = try await MySQLSchemaDialect(flavor: MySQLFlavorTests.mariadb).columns(of: "users", in: connection)
            #expect(columns.map(\.name) == ["id", "status", "note", "email"])
            #expect(columns.first { $0.name == "status" }?.type == .enumeration(typeName: nil, values: ["active", "off", "suspended"]))
            #expect(columns.first { $0.name == "note" }?.defaultValue == .string("none"))
            #expect(try await MySQLSchemaDialect().tables(in: connection) == ["tags", "teams", "users"])
        }
    }

    /// The catalog's check constraints read the same through MySQL's query (joined with
    /// `TABLE_CONSTRAINTS`, as MySQL's `CHECK_CONSTRAINTS` has no table) as through MariaDB's.
    @Test func checkConstraintsReadTheSameThroughEitherFlavoursQuery() async throws {
        let db = try await TestDatabase.mysql.fresh()
        defer { Task { await db.remove() } }
        _ = try await db.query("CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER, CONSTRAINT prices_positive CHECK (amount > 0))")
        let connection = try await db.connect()
        try await connection.closeAfter {
            let mariadb = try await MySQLSchemaDialect(flavor: MySQLFlavorTests.mariadb).catalogObjects(in: connection)
            let mysql = try await MySQLSchemaDialect(flavor: MySQLFlavorTests.mysql80).catalogObjects(in: connection)
            #expect(mysql == mariadb)
            #expect(mysql.contains { $0.kind == .constraint && $0.name == "prices.prices_positive" }, "\(mysql)")
        }
    }
}
