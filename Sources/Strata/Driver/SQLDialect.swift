import Foundation

/// What core needs to know about a database's SQL, as capabilities read at render time
/// (never as checks on a dialect's name).
public protocol SQLDialect: Sendable {
    /// A short name for messages, e.g. `sqlite`.
    var name: String { get }
    /// The lexical rules used to split migration files into statements.
    var syntax: SQLSyntax { get }
    /// Whether DDL rolls back with its transaction. When `false`, a failed migration may
    /// leave part of its changes behind, and Strata says so.
    var supportsTransactionalDDL: Bool { get }

    /// `identifier` quoted for this dialect, e.g. `"users"`, or users between backticks.
    func quoteIdentifier(_ identifier: String) -> String
    /// The placeholder for the bind parameter at 1-based `position`, e.g. `?` or `$1`.
    func bindPlaceholder(at position: Int) -> String
    /// Options appended to `CREATE TABLE` of Strata's own tables, which are looked up by their
    /// primary key: e.g. SQLite's `WITHOUT ROWID`, which stores the rows in the key's b-tree
    /// instead of a second one, halving the pages each history insert writes.
    var keyedTableOptions: String { get }
    /// The column type for a kind of column Strata itself creates.
    func columnType(for kind: ColumnKind) -> String
    /// The column definition of an auto-incrementing integer primary key called `name`,
    /// used by the `create-table` template, e.g. `id INTEGER PRIMARY KEY AUTOINCREMENT`.
    func autoIncrementPrimaryKey(named name: String) -> String
    /// A query returning a row when `table` has a column named `column`; used to guard
    /// `ADD COLUMN` where the dialect has no `ADD COLUMN IF NOT EXISTS`. `nil` when the
    /// dialect has `ADD COLUMN IF NOT EXISTS`.
    func columnExistsQuery(table: String, column: String) -> String?
    /// A query returning a row when `table` has no column named `column`; `nil` when the
    /// dialect has `DROP COLUMN IF EXISTS`.
    func columnMissingQuery(table: String, column: String) -> String?
    /// How the ``Schema`` API of Swift migrations renders for this dialect; `nil` when it
    /// has none (Swift migrations then fail with an error naming the dialect).
    var schemaDialect: (any SchemaDialect)? { get }
    /// `date` as a literal for a ``ColumnKind/timestamp`` column, in UTC: how Strata writes
    /// a time into SQL text instead of binding it (the history statements of a schema dump).
    func timestampLiteral(_ date: Date) -> String
    /// Whether `error` is a conflict with a concurrent transaction that a retry of the same
    /// statements may not meet again: a deadlock, a serialization failure, a certification
    /// conflict on a cluster. Strata retries its own bookkeeping writes when this is true;
    /// never a migration's own statements. The default is `false`.
    func isRetryableConflict(_ error: DatabaseError) -> Bool
    /// Whether `error` says the connection to the server is gone, rather than that a
    /// statement failed. The default is `false`.
    func isConnectionLost(_ error: DatabaseError) -> Bool
    /// What a statement that was cut short may have left behind, when `error` is what running
    /// it again met — e.g. on PostgreSQL the invalid index of an interrupted `CREATE INDEX
    /// CONCURRENTLY` — and how to clear it; put before the hint of a failed migration. The
    /// default is `nil`.
    func leftoverHint(for statement: SQLStatement, error: DatabaseError) -> String?
    /// The lint rules that are this dialect's own (lock-heavy statements, its syntax of
    /// enum columns), checked after ``CommonLintRules``. The default is none.
    var lintRules: [any LintRule] { get }
    /// `alterTable` — one `ALTER TABLE` statement without its semicolon — as the generated
    /// templates write it for a table in use, with its statements' semicolons: with a
    /// `lock_timeout` before it on PostgreSQL, `ALGORITHM=INSTANT` on MySQL/MariaDB, so that
    /// the templates pass `strata lint`. The default is the statement as it is.
    func lockSafeAlterTable(_ alterTable: String) -> String
}

/// The kinds of columns Strata creates in its own tables and templates.
public enum ColumnKind: Sendable, Hashable {
    /// Text of at most `length` characters.
    case string(length: Int)
    /// Text of any length.
    case text
    /// A 64-bit integer.
    case bigint
    /// A point in time in UTC.
    case timestamp
}

extension SQLDialect {
    /// No ``Schema`` API unless the dialect provides one.
    public var schemaDialect: (any SchemaDialect)? { nil }

    /// No error is retryable by default.
    public func isRetryableConflict(_ error: DatabaseError) -> Bool { false }

    /// No error says the connection is gone by default.
    public func isConnectionLost(_ error: DatabaseError) -> Bool { false }

    /// Nothing is known to be left behind by default.
    public func leftoverHint(for statement: SQLStatement, error: DatabaseError) -> String? { nil }
    /// None: only ``CommonLintRules``.
    public var lintRules: [any LintRule] { [] }

    /// The statement as it is.
    public func lockSafeAlterTable(_ alterTable: String) -> String { alterTable + ";" }

    /// ``columnExistsQuery(table:column:)`` negated: `SELECT 1 WHERE NOT EXISTS (…)`.
    public func columnMissingQuery(table: String, column: String) -> String? {
        columnExistsQuery(table: table, column: column).map { "SELECT 1 WHERE NOT EXISTS (\($0))" }
    }

    /// ISO 8601 text in UTC, `'2025-05-19T12:30:45.000Z'`: what Strata stores where a
    /// database has no timestamp type, and what PostgreSQL's `timestamptz` reads.
    public func timestampLiteral(_ date: Date) -> String { "'\(ISO8601Timestamp.format(date))'" }

    /// `table.column` quoted.
    public func quoteIdentifiers(_ parts: String...) -> String {
        parts.map(quoteIdentifier).joined(separator: ".")
    }
}
