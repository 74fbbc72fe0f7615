import Foundation

/// `strata lint`: checks migrations not yet applied against the rules of the environment's
/// dialect — ``CommonLintRules`` and ``SQLDialect/lintRules`` — in version order, knowing
/// which tables the migrations before each statement create, so that a rule about a table
/// that exists never fires on a new one.
///
/// `-- strata:lint-ignore CODE reason` on the lines right above a statement silences that
/// rule's finding on it; the reason is required.
public struct MigrationLinter: Sendable {
    /// The dialect the migrations are written for.
    public var dialect: any SQLDialect
    /// Severities changed in `strata.yml` (`lint: { CODE: error | warning | off }`); `nil` turns a rule off.
    public var severities: [LintCode: LintSeverity?]
    /// The database's schema as it is, when it could be read.
    public var schema: SchemaSnapshot?

    /// Creates a linter.
    public init(dialect: any SQLDialect, severities: [LintCode: LintSeverity?] = [:], schema: SchemaSnapshot? = nil) {
        self.dialect = dialect
        self.severities = severities
        self.schema = schema
    }

    /// The up section of one migration, as the linter reads it.
    public struct Section: Sendable {
        /// The migration.
        public var migration: LoadedMigration
        /// Its statements: a SQL file's, or those a Swift migration's Schema API renders.
        public var statements: [SQLStatement]
        /// Whether it runs in a transaction.
        public var inTransaction: Bool

        /// Creates a section.
        public init(migration: LoadedMigration, statements: [SQLStatement], inTransaction: Bool) {
            self.migration = migration
            self.statements = statements
            self.inTransaction = inTransaction
        }

        /// The up section of a SQL migration.
        public init(_ migration: LoadedMigration) {
            self.init(migration: migration, statements: migration.up.statements, inTransaction: migration.up.runsInTransaction)
        }
    }

    /// The findings of `sections`, in version order, then by line. `sourceText` gives a
    /// file's text, for its ignore comments.
    public func lint(_ sections: [Section], sourceText: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }) -> [LintFinding] {
        let rules = CommonLintRules.all + dialect.lintRules
        var context = LintContext(schema: schema)
        var findings: [LintFinding] = []
        for section in sections.sorted(by: { $0.migration.id < $1.migration.id }) {
            let migration = section.migration
            context.lockTimeoutSet = false
            context.lockTimeoutReported = false
            var ignores: [Int: [String: String?]] = [:]
            if let text = sourceText(migration.source) { ignores = Self.ignoreComments(in: text) }
            var issues: [(LintIssue, SQLStatement?)] = []
            if migration.down == nil {
                issues.append((LintIssue(.missingDown, "Migration \(migration.id) has no down section: it cannot be undone, and `strata verify` cannot prove it.",
                                         advice: "Add a `-- migrate:down` section that reverts the up section."), nil))
            }
            if !section.inTransaction, section.statements.count > 1 {
                issues.append((LintIssue(.nonTransactionalSeveral, "The up section runs without a transaction and has \(section.statements.count) statements: a failure leaves it half-done (dirty).",
                                         advice: "Give each statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY) a migration of its own, and keep the rest transactional."), nil))
            }
            let linted = section.statements.map { LintStatement($0, inTransaction: section.inTransaction) }
            context.rebuiltTables = Self.rebuiltTables(in: linted)
            for linted in linted {
                let statement = linted.statement
                for rule in rules {
                    for issue in rule.check(linted, in: context) {
                        if issue.code == .missingLockTimeout { context.lockTimeoutReported = true }
                        issues.append((issue, statement))
                    }
                }
                Self.learn(from: linted, into: &context)
            }
            for (issue, statement) in issues {
                guard let severity = severities[issue.code] ?? issue.code.defaultSeverity else { continue }
                var message = issue.message
                if let statement, let ignored = Self.ignore(issue.code, above: statement.line, in: ignores) {
                    guard ignored == nil else { continue }
                    message += " (The strata:lint-ignore \(issue.code.code) above it gives no reason, so it does not count.)"
                }
                findings.append(LintFinding(
                    code: issue.code, severity: severity, migration: migration.id, file: statement?.file ?? migration.source,
                    line: statement?.line, statement: statement?.excerpt, message: message, advice: issue.advice
                ))
            }
        }
        return findings
    }

    /// What a statement creates or sets, for the statements after it.
    private static func learn(from statement: LintStatement, into context: inout LintContext) {
        let tokens = statement.tokens
        if tokens.starts(with: "CREATE", "TABLE") || tokens.starts(with: "CREATE", "UNLOGGED", "TABLE")
            || tokens.starts(with: "CREATE", "TEMPORARY", "TABLE") || tokens.starts(with: "CREATE", "TEMP", "TABLE") {
            if let table = tokens.name(after: ["TABLE"]) { context.newTables.insert(table) }
        } else if tokens.starts(with: "RENAME", "TABLE"), let (old, next) = tokens.name(at: 2), let new = tokens.name(after: ["TO"], from: next) {
            // A new table stays new under its new name; a table that exists stays one.
            if context.isNew(old), !context.rebuiltTables.contains(new) { context.newTables.insert(new) }
        } else if let (old, _) = statement.alteredTable {
            for clause in statement.alterClauses where clause.starts(with: "RENAME", "TO") {
                if let new = clause.name(at: 2)?.name, context.isNew(old), !context.rebuiltTables.contains(new) { context.newTables.insert(new) }
            }
        }
        if tokens.starts(with: "CREATE", "INDEX") || tokens.starts(with: "CREATE", "UNIQUE", "INDEX") {
            if let on = tokens.find(["ON"]), let index = tokens.name(at: on - 1)?.name, tokens.tokens[on - 1].keyword != "INDEX" {
                context.newIndexes.insert(index)
            }
        }
        if tokens.starts(with: "SET", "LOCK_TIMEOUT") || tokens.starts(with: "SET", "LOCAL", "LOCK_TIMEOUT")
            || (tokens.contains("SET_CONFIG") && statement.statement.text.lowercased().contains("lock_timeout")) {
            context.lockTimeoutSet = true
        }
    }

    /// Tables a section rebuilds: it drops them, then renames another table to their name —
    /// how SQLite changes what its `ALTER TABLE` cannot (a new table, the rows copied, the old
    /// one dropped, the new one renamed). Their rows live on.
    private static func rebuiltTables(in statements: [LintStatement]) -> Set<String> {
        var dropped: Set<String> = []
        var rebuilt: Set<String> = []
        for statement in statements {
            let tokens = statement.tokens
            if tokens.starts(with: "DROP", "TABLE"), let table = tokens.name(after: ["TABLE"], skipping: ["IF", "EXISTS"]) {
                dropped.insert(table)
            } else if statement.alteredTable != nil {
                for clause in statement.alterClauses where clause.starts(with: "RENAME", "TO") {
                    if let new = clause.name(at: 2)?.name, dropped.contains(new) { rebuilt.insert(new) }
                }
            }
        }
        return rebuilt
    }

    /// `-- strata:lint-ignore CODE reason` comments by line: code → reason (`nil` when none).
    static func ignoreComments(in text: String) -> [Int: [String: String?]] {
        var result: [Int: [String: String?]] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("--") else { continue }
            let words = trimmed.dropFirst(2).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard words.count >= 2, words[0] == "strata:lint-ignore" else { continue }
            let code = LintCode.named(String(words[1]))?.code ?? String(words[1]).uppercased()
            let reason = words.count > 2 ? String(words[2]).trimmingCharacters(in: .whitespaces) : ""
            result[index + 1, default: [:]][code] = reason.isEmpty ? String?.none : reason
        }
        return result
    }

    /// The ignore of `code` in the comment lines right above `line`: `.some(reason)` when
    /// found (a `nil` reason when none was given), `nil` when there is none.
    private static func ignore(_ code: LintCode, above line: Int, in ignores: [Int: [String: String?]]) -> String?? {
        var current = line - 1
        while current >= 1, let comments = ignores[current] {
            if let reason = comments[code.code] { return .some(reason) }
            current -= 1
        }
        return nil
    }
}

extension MigrationLinter.Section {
    /// The up sections of `migrations`; a Swift migration's as its Schema API renders it over
    /// `connection` — the SQL it would run there now. A change that cannot be rendered before
    /// the migrations before it run (it reads a table they create) is left out.
    public static func sections(of migrations: [LoadedMigration], renderingOver connection: any DatabaseConnection) async -> [Self] {
        var sections: [Self] = []
        for migration in migrations {
            guard let changes = migration.up.program?.recordedChanges, let dialect = connection.dialect.schemaDialect else {
                sections.append(Self(migration))
                continue
            }
            var statements: [SQLStatement] = []
            let context = SchemaContext(database: connection, inTransaction: migration.up.runsInTransaction)
            // Rendered as the run renders them: in a transaction (rolled back: nothing runs),
            // with foreign keys deferred where a change rebuilds a table.
            let transaction = migration.up.runsInTransaction
            if transaction {
                if dialect.defersForeignKeys(for: changes) {
                    try? await connection.beginTransactionDeferringForeignKeys()
                } else {
                    try? await connection.beginTransaction()
                }
            }
            for change in changes {
                statements += (try? await dialect.statements(for: change, in: context)) ?? []
            }
            if transaction { try? await connection.rollbackTransaction() }
            sections.append(Self(migration: migration, statements: statements, inTransaction: migration.up.runsInTransaction))
        }
        return sections
    }
}
