import Strata

/// SQLite's SQL, as Strata needs it. See <https://sqlite.org/lang.html>.
public struct SQLiteDialect: SQLDialect {
    /// Creates the dialect.
    public init() {}

    /// `sqlite`.
    public var name: String { "sqlite" }

    /// Standard SQL plus backtick-quoted and `[bracket]` identifiers; triggers' `BEGIN … END`
    /// bodies are kept whole by the splitter.
    public var syntax: SQLSyntax {
        SQLSyntax(backtickQuotedIdentifiers: true, bracketQuotedIdentifiers: true)
    }

    /// SQLite rolls DDL back with its transaction.
    public var supportsTransactionalDDL: Bool { true }

    /// ` WITHOUT ROWID` (<https://sqlite.org/withoutrowid.html>).
    public var keyedTableOptions: String { " WITHOUT ROWID" }

    /// `"name"`, with embedded quotes doubled.
    public func quoteIdentifier(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }

    /// `?`.
    public func bindPlaceholder(at position: Int) -> String { "?" }

    /// SQLite has type affinities, not sized types: text is `TEXT`, integers `INTEGER`, and
    /// timestamps ISO-8601 `TEXT` (<https://sqlite.org/datatype3.html>).
    public func columnType(for kind: ColumnKind) -> String {
        switch kind {
        case .string: "TEXT"
        case .text: "TEXT"
        case .bigint: "INTEGER"
        case .timestamp: "TEXT"
        }
    }

    /// `"id" INTEGER PRIMARY KEY AUTOINCREMENT`: a rowid alias that never reuses ids
    /// (<https://sqlite.org/autoinc.html>).
    public func autoIncrementPrimaryKey(named name: String) -> String {
        "\(quoteIdentifier(name)) INTEGER PRIMARY KEY AUTOINCREMENT"
    }

    /// SQLite has no `ADD COLUMN IF NOT EXISTS`; the guard reads `pragma_table_info`.
    public func columnExistsQuery(table: String, column: String) -> String? {
        "SELECT 1 FROM pragma_table_info(\(Self.literal(table))) WHERE name = \(Self.literal(column))"
    }

    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }
}
