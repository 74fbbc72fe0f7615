import Foundation
import Strata
@testable import StrataMySQL
import Testing

/// What the MySQL dialect writes and reads where MySQL 8 and MariaDB differ, proven by
/// rendering (there is no MySQL 8 server here): the templates of `strata generate`, whole,
/// in the MySQL 8 flavour; migrations generated from `SHOW CREATE TABLE` as MySQL 8 shows a
/// table; and the defaults in a column's line in either server's spelling. Each golden text
/// was read against the MySQL 8.0 and 8.4 reference manuals (`ALTER TABLE`, `SHOW CREATE
/// TABLE`, "Data Type Default Values").
@Suite struct MySQLFlavorRenderingTests {
    static let mysql80 = MySQLDialect(flavor: MySQLFlavor(.mysql, version: [8, 0, 36]))

    @Test func theCreateTableTemplateForMySQL8IsThisText() throws {
        let text = try MigrationTemplate.createTable.render(name: "create-users", dialect: Self.mysql80)
        #expect(text == """
            -- Migration: create-users
            -- The up section and its history row commit in one transaction: if a statement
            -- fails, nothing is applied. IF [NOT] EXISTS keeps it safe to run by hand too.

            -- migrate:up
            CREATE TABLE IF NOT EXISTS `users` (
                `id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                `name` VARCHAR(255) NOT NULL,
                `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );

            -- migrate:down
            DROP TABLE IF EXISTS `users`;

            """)
    }

    /// MySQL 8 has no `ADD COLUMN IF NOT EXISTS` nor `DROP COLUMN IF EXISTS`: each direction
    /// is guarded by a look at `information_schema.COLUMNS`, and the `down` guard reads
    /// `FROM DUAL` because MySQL wants a `FROM` before a `WHERE`.
    @Test func theModifyTableTemplateForMySQL8IsThisText() throws {
        let text = try MigrationTemplate.modifyTable.render(name: "add-status-to-users", dialect: Self.mysql80)
        let exists = "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'status'"
        #expect(text == """
            -- Migration: add-status-to-users
            -- The up section and its history row commit in one transaction: if a statement
            -- fails, nothing is applied. The column is added only if it is not there yet.
            --
            -- To limit the column to a few values, as the seed's ENUM does, portably:
            --   `status` VARCHAR(255) NOT NULL DEFAULT 'active'
            --       CHECK (`status` IN ('active', 'inactive', 'suspended'))

            -- migrate:up
            -- mysql has no ADD COLUMN IF NOT EXISTS: the guard below skips the
            -- statement when the column is already there.
            -- strata:skip-if \(exists)
            ALTER TABLE `users` ADD COLUMN `status` VARCHAR(255), ALGORITHM=INSTANT;

            -- migrate:down
            -- strata:skip-if SELECT 1 FROM DUAL WHERE NOT EXISTS (\(exists))
            ALTER TABLE `users` DROP COLUMN `status`;

            """)
        // MariaDB's own conditional forms, for comparison.
        let mariadb = try MigrationTemplate.modifyTable.render(name: "add-status-to-users", dialect: MySQLDialect(flavor: MySQLFlavor(.mariadb)))
        #expect(mariadb.contains("ALTER TABLE `users` ADD COLUMN IF NOT EXISTS `status` VARCHAR(255), ALGORITHM=INSTANT;\n"))
        #expect(mariadb.contains("ALTER TABLE `users` DROP COLUMN IF EXISTS `status`;\n"))
        #expect(!mariadb.contains("strata:skip-if"))
    }

    @Test(arguments: [
        // MySQL 8
        ("`a` varchar(10) NOT NULL DEFAULT 'it''s, here'", "'it''s, here'"),
        ("`a` char(36) DEFAULT (uuid())", "(uuid())"),
        ("`a` datetime DEFAULT (now() + interval 1 day) COMMENT 'x'", "(now() + interval 1 day)"),
        ("`a` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)", "CURRENT_TIMESTAMP(6)"),
        ("`a` int NOT NULL DEFAULT '0'", "'0'"),
        ("`a` int DEFAULT NULL", nil),
        ("`a` int NOT NULL", nil),
        // MariaDB
        ("`a` varchar(10) DEFAULT concat('a', 'b'),", "concat('a', 'b')"),
        ("`a` varchar(10) NOT NULL DEFAULT 'back\\\\slash'", "'back\\\\slash'"),
        ("`a` datetime NOT NULL DEFAULT current_timestamp()", "current_timestamp()"),
        ("`a` int(11) NOT NULL DEFAULT 7", "7"),
        ("`a` int(11) NOT NULL DEFAULT (1 + 1", nil),
    ] as [(String, String?)])
    func theDefaultIsReadFromAColumnsLineInEitherSpelling(line: String, value: String?) {
        #expect(MySQLSchemaDialect.defaultValue(in: line) == value, "\(line)")
    }

    /// A migration generated from the declared schema copies each line of `SHOW CREATE
    /// TABLE` as the server wrote it: MySQL 8's spelling (no display widths, expression
    /// defaults in parentheses, functional key parts, `NOT ENFORCED` in a versioned comment,
    /// the 0900 collation) is carried into statements MySQL 8 reads.
    @Test func aTableAsMySQL8ShowsItIsAlteredInItsOwnSpelling() {
        let existing = MySQLSchemaDialect.ShownTable(text: """
            CREATE TABLE `users` (
              `id` int NOT NULL AUTO_INCREMENT,
              `email` varchar(255) COLLATE utf8mb4_0900_ai_ci NOT NULL,
              `token` char(36) DEFAULT NULL,
              `nickname` varchar(40) DEFAULT NULL,
              `team_id` int DEFAULT NULL,
              `score` int DEFAULT NULL,
              PRIMARY KEY (`id`),
              KEY `users_nickname_idx` (`nickname`),
              KEY `users_team_fk` (`team_id`),
              CONSTRAINT `users_team_fk` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`),
              CONSTRAINT `users_score_small` CHECK ((`score` < 100))
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
            """)
        let wanted = MySQLSchemaDialect.ShownTable(text: """
            CREATE TABLE `users` (
              `id` int NOT NULL AUTO_INCREMENT,
              `email` varchar(255) COLLATE utf8mb4_0900_ai_ci NOT NULL,
              `token` char(36) NOT NULL DEFAULT (uuid()),
              `team_id` int DEFAULT NULL,
              `score` int DEFAULT NULL,
              `status` enum('active','it''s off') NOT NULL DEFAULT 'active',
              PRIMARY KEY (`id`),
              KEY `users_lower_email_idx` ((lower(`email`))),
              CONSTRAINT `users_score_positive` CHECK ((`score` >= 0)) /*!80016 NOT ENFORCED */
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
            """)
        var alteration = TableAlteration(table: "users")
        alteration.addedColumns = ["status"]
        alteration.changedColumns = ["token"]
        alteration.droppedColumns = ["nickname"]
        alteration.addedIndexes = ["users_lower_email_idx"]
        alteration.droppedIndexes = ["users_nickname_idx"]
        alteration.addedConstraints = ["users_score_positive"]
        alteration.droppedConstraints = ["users_team_fk", "users_score_small"]
        let statements = MySQLSchemaDialect(flavor: Self.mysql80.flavor).alterationStatements(for: alteration, existing: existing, wanted: wanted)
        #expect(statements.beforeNewTables == [
            "ALTER TABLE `users` DROP FOREIGN KEY `users_team_fk`",
            "ALTER TABLE `users` DROP INDEX `users_team_fk`",
            "ALTER TABLE `users` DROP CONSTRAINT `users_score_small`",
            "ALTER TABLE `users` DROP INDEX `users_nickname_idx`",
            "ALTER TABLE `users` ADD COLUMN `status` enum('active','it''s off') NOT NULL DEFAULT 'active'",
            "UPDATE `users` SET `token` = (uuid()) WHERE `token` IS NULL",
            "ALTER TABLE `users` MODIFY COLUMN `token` char(36) NOT NULL DEFAULT (uuid())",
            "ALTER TABLE `users` DROP COLUMN `nickname`",
        ])
        #expect(statements.afterNewTables == [
            "ALTER TABLE `users` ADD KEY `users_lower_email_idx` ((lower(`email`)))",
            "ALTER TABLE `users` ADD CONSTRAINT `users_score_positive` CHECK ((`score` >= 0)) /*!80016 NOT ENFORCED */",
        ])
        // MySQL 8.0.16 to 8.0.18 drop a check with DROP CHECK.
        let older = MySQLSchemaDialect(flavor: MySQLFlavor(.mysql, version: [8, 0, 18])).alterationStatements(for: alteration, existing: existing, wanted: wanted)
        #expect(older.beforeNewTables.contains("ALTER TABLE `users` DROP CHECK `users_score_small`"))
    }
}
