import Foundation
import Strata

/// MySQL/MariaDB's SQL, as Strata needs it. See <https://mariadb.com/kb/en/sql-statements/>.
public struct MySQLDialect: SQLDialect {
    /// The server written for: learnt on connecting, ``MySQLFlavor/portable`` without a server.
    public var flavor: MySQLFlavor

    /// Creates the dialect for `flavor`.
    public init(flavor: MySQLFlavor = .portable) {
        self.flavor = flavor
    }

    /// `mysql`.
    public var name: String { "mysql" }

    /// Backslash escapes in strings, `#` comments and backtick-quoted identifiers
    /// (<https://mariadb.com/kb/en/string-literals/>).
    public var syntax: SQLSyntax {
        SQLSyntax(backslashEscapesInStrings: true, hashLineComments: true, backtickQuotedIdentifiers: true)
    }

    /// MySQL commits DDL implicitly (<https://mariadb.com/kb/en/sql-statements-that-cause-an-implicit-commit/>):
    /// a failed migration can leave part of its changes behind, so Strata tracks it
    /// statement by statement and marks it dirty.
    public var supportsTransactionalDDL: Bool { false }

    /// ` ENGINE=InnoDB`: transactional, whatever the server's default engine.
    public var keyedTableOptions: String { " ENGINE=InnoDB" }

    /// The name between backticks, with embedded backticks doubled.
    public func quoteIdentifier(_ identifier: String) -> String {
        "`" + identifier.replacing("`", with: "``") + "`"
    }

    /// `?`.
    public func bindPlaceholder(at position: Int) -> String { "?" }

    /// `VARCHAR(n)`, `TEXT`, `BIGINT`, `DATETIME(6)` (stored in UTC).
    public func columnType(for kind: ColumnKind) -> String {
        switch kind {
        case .string(let length): "VARCHAR(\(length))"
        case .text: "TEXT"
        case .bigint: "BIGINT"
        case .timestamp: "DATETIME(6)"
        }
    }

    /// `id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY`, the name quoted with backticks.
    public func autoIncrementPrimaryKey(named name: String) -> String {
        "\(quoteIdentifier(name)) BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
    }

    /// `nil` on MariaDB, which has `ADD COLUMN IF NOT EXISTS` and `DROP COLUMN IF EXISTS`;
    /// elsewhere (MySQL 8 has neither) a look at `information_schema.COLUMNS` for a
    /// `strata:skip-if` guard.
    public func columnExistsQuery(table: String, column: String) -> String? {
        guard !flavor.hasConditionalAlterations else { return nil }
        let literal = { (text: String) in "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'" }
        return "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = \(literal(table)) AND COLUMN_NAME = \(literal(column))"
    }

    /// `SELECT 1 FROM DUAL WHERE NOT EXISTS (…)`: MySQL wants a `FROM` before a `WHERE`.
    public func columnMissingQuery(table: String, column: String) -> String? {
        columnExistsQuery(table: table, column: column).map { "SELECT 1 FROM DUAL WHERE NOT EXISTS (\($0))" }
    }

    /// `DATETIME(6)` text in UTC, `'2025-05-19 12:30:45.000000'`.
    public func timestampLiteral(_ date: Date) -> String { "'\(DateTimeText.format(date))'" }

    /// A deadlock (1213) — which is also how a Galera node reports a transaction that lost
    /// certification to another node's — or a lock wait timeout (1205).
    public func isRetryableConflict(_ error: DatabaseError) -> Bool { error.code == "1213" || error.code == "1205" }

    /// The server went away (2006), the connection was lost during a query (2013), or the
    /// server is shutting down (1053).
    public func isConnectionLost(_ error: DatabaseError) -> Bool { ["2006", "2013", "1053"].contains(error.code ?? "") }
}
