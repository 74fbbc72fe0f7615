/// A check that looks at one statement of a migration not yet applied, knowing what the
/// migrations before it create (``LintContext``). Rules common to every dialect are in
/// core (``CommonLintRules``); a dialect's own come from ``SQLDialect/lintRules``.
public protocol LintRule: Sendable {
    /// The findings of `statement`: what is risky, and what to do instead.
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue]
}

/// One statement under lint, tokenized.
public struct LintStatement: Sendable {
    /// The statement as written.
    public var statement: SQLStatement
    /// Its tokens.
    public var tokens: SQLTokens
    /// Whether its section runs in a transaction (`transaction:false` is not given).
    public var inTransaction: Bool

    /// Creates a statement under lint.
    public init(_ statement: SQLStatement, inTransaction: Bool) {
        self.statement = statement
        self.tokens = SQLTokens(statement.text)
        self.inTransaction = inTransaction
    }

    /// The table an `ALTER TABLE` changes, and the index of its first clause.
    public var alteredTable: (name: String, clausesStart: Int)? {
        guard tokens.starts(with: "ALTER", "TABLE") else { return nil }
        var index = 2
        while index < tokens.tokens.count, ["IF", "EXISTS", "ONLY", "IGNORE", "ONLINE"].contains(tokens.tokens[index].keyword),
              tokens.tokens[index].kind == .word { index += 1 }
        return tokens.name(at: index).map { ($0.name, $0.next) }
    }

    /// The clauses of an `ALTER TABLE`, each tokenized on its own.
    public var alterClauses: [SQLTokens] {
        alteredTable.map { tokens.clauses(from: $0.clausesStart) } ?? []
    }
}

/// What the linter knows when it reaches a statement.
public struct LintContext: Sendable {
    /// Tables created by the migrations being linted, up to this statement: a rule about a
    /// table that exists does not fire on them.
    public var newTables: Set<String> = []
    /// Indexes created by the migrations being linted, up to this statement.
    public var newIndexes: Set<String> = []
    /// Tables this migration section rebuilds (drops, then renames another table to):
    /// their rows are copied, not lost.
    public var rebuiltTables: Set<String> = []
    /// Whether this migration section set `lock_timeout` before this statement.
    public var lockTimeoutSet = false
    /// Whether this migration section was already told it lacks a `lock_timeout`.
    public var lockTimeoutReported = false
    /// The database's schema as it is, when it was read: columns' definitions, for the
    /// rules that compare an old definition with a new one.
    public var schema: SchemaSnapshot?

    /// Creates an empty context.
    public init(schema: SchemaSnapshot? = nil) {
        self.schema = schema
    }

    /// Whether `table` is created by a migration being linted, before this statement.
    public func isNew(_ table: String) -> Bool { newTables.contains(table) }

    /// The columns of `table` in the database as it is, if known.
    public func columns(of table: String) -> [String]? {
        guard let schema else { return nil }
        let prefix = table.lowercased() + "."
        return schema.objects.filter { $0.kind == .column && $0.name.lowercased().hasPrefix(prefix) }.map { String($0.name.dropFirst(prefix.count)) }
    }

    /// The definition of `table.column` in the database as it is, if known.
    public func columnDefinition(_ table: String, _ column: String) -> String? {
        schema?.objects.first { $0.kind == .column && $0.name.lowercased() == "\(table).\(column)".lowercased() }?.definition
    }
}

/// A rule's finding before the linter places it: its code, what is wrong, what to do.
public struct LintIssue: Sendable, Hashable {
    /// The rule.
    public var code: LintCode
    /// What the statement does that is risky, naming the table or column.
    public var message: String
    /// What to do instead.
    public var advice: String

    /// Creates an issue.
    public init(_ code: LintCode, _ message: String, advice: String) {
        self.code = code
        self.message = message
        self.advice = advice
    }
}

/// A finding as `strata lint` reports it.
public struct LintFinding: Sendable, Hashable {
    /// The rule.
    public var code: LintCode
    /// Its severity, after `strata.yml`'s `lint:`.
    public var severity: LintSeverity
    /// The migration.
    public var migration: MigrationID
    /// The file, or the Swift migration's source.
    public var file: String
    /// The statement's line, or `nil` for a finding about the whole migration.
    public var line: Int?
    /// The statement, shortened.
    public var statement: String?
    /// What is wrong.
    public var message: String
    /// What to do instead.
    public var advice: String

    /// `db/migrations/2025…-x.sql:3`.
    public var place: String { line.map { "\(file):\($0)" } ?? file }
}
