import Strata

/// PostgreSQL's own lint rules: statements whose lock on a table that exists lasts as long
/// as the table is big, and `CONCURRENTLY` where it cannot run.
enum PostgresLintRules {
    static let all: [any LintRule] = [IndexConcurrencyRule(), ValidatedConstraintRule(), SetNotNullRule(), TableRewriteRule(), LockTimeoutRule(), DropTypeRule()]

    /// Functions whose value changes per row: a column added with one as its default
    /// rewrites the whole table (a constant or STABLE default, such as now(), does not).
    static let volatileFunctions: Set<String> = ["RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V4", "UUID_GENERATE_V1", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL", "TXID_CURRENT"]
}

/// ST301 and ST307: `CREATE INDEX` / `DROP INDEX` without `CONCURRENTLY` on a table that
/// exists; `CONCURRENTLY` inside a transaction.
struct IndexConcurrencyRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        let creates = tokens.starts(with: "CREATE", "INDEX") || tokens.starts(with: "CREATE", "UNIQUE", "INDEX")
        let drops = tokens.starts(with: "DROP", "INDEX")
        let reindexes = tokens.starts(with: "REINDEX")
        guard creates || drops || reindexes else { return [] }
        let concurrent = tokens.contains("CONCURRENTLY")
        if concurrent {
            guard statement.inTransaction else { return [] }
            return [LintIssue(.concurrentlyInTransaction, "CONCURRENTLY cannot run inside a transaction block: PostgreSQL refuses it, and the migration fails.",
                              advice: "Put the statement in a migration of its own whose up section is marked `-- migrate:up transaction:false`.")]
        }
        if creates {
            guard let table = tokens.name(after: ["ON"]), !context.isNew(table) else { return [] }
            return [LintIssue(.indexNotConcurrent, "CREATE INDEX on table \(table) blocks every write to it until the index is built.",
                              advice: "Use CREATE INDEX CONCURRENTLY, in a migration of its own marked `transaction:false`.")]
        }
        if drops {
            guard let index = tokens.name(after: ["INDEX"], skipping: ["IF", "EXISTS"]), !context.newIndexes.contains(index) else { return [] }
            return [LintIssue(.indexNotConcurrent, "DROP INDEX \(index) takes an ACCESS EXCLUSIVE lock on its table: reads and writes wait.",
                              advice: "Use DROP INDEX CONCURRENTLY, in a migration of its own marked `transaction:false`.")]
        }
        return []
    }
}

/// ST302: a foreign key or check added to a table that exists without `NOT VALID`.
struct ValidatedConstraintRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.compactMap { clause in
            guard clause.starts(with: "ADD"), clause.contains("FOREIGN", "KEY") || clause.contains("CHECK"),
                  clause.starts(with: "ADD", "CONSTRAINT") || clause.starts(with: "ADD", "FOREIGN") || clause.starts(with: "ADD", "CHECK"),
                  !clause.contains("NOT", "VALID") else { return nil }
            let kind = clause.contains("FOREIGN", "KEY") ? "foreign key" : "check"
            return LintIssue(.constraintValidated, "Adding a \(kind) to table \(table) scans every row while holding a lock that blocks writes.",
                             advice: "Add it with NOT VALID, then run ALTER TABLE \(table) VALIDATE CONSTRAINT … in a later migration: validating takes a lighter lock.")
        }
    }
}

/// ST303: `SET NOT NULL` on a table that exists.
struct SetNotNullRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.compactMap { clause in
            guard clause.starts(with: "ALTER"), clause.contains("SET", "NOT", "NULL") else { return nil }
            let column = clause.name(at: clause.starts(with: "ALTER", "COLUMN") ? 2 : 1)?.name ?? "?"
            return LintIssue(.setNotNull, "SET NOT NULL on \(table).\(column) scans the whole table under an ACCESS EXCLUSIVE lock.",
                             advice: "Add CHECK (\(column) IS NOT NULL) NOT VALID, validate it in a later migration, then SET NOT NULL (which uses the valid check) and drop the check.")
        }
    }
}

/// ST203 and ST304: a type change (`ALTER COLUMN c [SET DATA] TYPE`), which the running
/// application may not expect and which may rewrite the table; ST305: a column added with
/// a volatile default, rewriting a table that exists.
struct TableRewriteRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.flatMap { clause -> [LintIssue] in
            if clause.starts(with: "ALTER"), clause.contains("TYPE") {
                let column = clause.name(at: clause.starts(with: "ALTER", "COLUMN") ? 2 : 1)?.name ?? "?"
                return [
                    .typeChange(table, column),
                    LintIssue(.rewritingTypeChange, "Changing the type of \(table).\(column) may rewrite the whole table under an ACCESS EXCLUSIVE lock.",
                              advice: "Only a few changes avoid the rewrite (varchar(n) to a longer varchar or text). Otherwise add a new column, backfill it in batches, and switch to it."),
                ]
            }
            if clause.starts(with: "ADD"), let position = clause.find(["DEFAULT"]), position + 1 < clause.tokens.count,
               PostgresLintRules.volatileFunctions.contains(clause.tokens[position + 1].keyword) {
                return [LintIssue(.volatileDefault, "A column added to \(table) with the volatile default \(clause.tokens[position + 1].text)() rewrites the whole table under an ACCESS EXCLUSIVE lock.",
                                  advice: "Add the column without a default (or with a constant one), set the default afterwards, and backfill the rows in batches.")]
            }
            return []
        }
    }
}

/// ST306: a statement that takes an `ACCESS EXCLUSIVE` lock on a table that exists, in a
/// section that has not set `lock_timeout` before it. Reported once per migration.
struct LockTimeoutRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard !context.lockTimeoutSet, !context.lockTimeoutReported else { return [] }
        let tokens = statement.tokens
        var table: String?
        if let (altered, _) = statement.alteredTable {
            table = altered
        } else if tokens.starts(with: "DROP", "TABLE") || tokens.starts(with: "TRUNCATE") || tokens.starts(with: "LOCK") {
            var index = 1
            while index < tokens.tokens.count, ["TABLE", "IF", "EXISTS", "ONLY"].contains(tokens.tokens[index].keyword) { index += 1 }
            table = tokens.name(at: index)?.name
        }
        guard let table, !context.isNew(table) else { return [] }
        return [LintIssue(.missingLockTimeout, "This statement takes an ACCESS EXCLUSIVE lock on \(table) with no lock_timeout set: behind one long query it waits, and every query on \(table) queues behind it.",
                          advice: "Start the section with SET lock_timeout = '5s'; (or SET LOCAL in a transaction), so it fails fast instead, and run it again later.")]
    }
}

/// ST104 on PostgreSQL: `DROP TYPE` of a type that exists (an enum, with its values).
struct DropTypeRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        guard tokens.starts(with: "DROP", "TYPE"), let type = tokens.name(after: ["TYPE"], skipping: ["IF", "EXISTS"]) else { return [] }
        guard context.schema?.objects.contains(where: { $0.kind == .type && $0.name.lowercased() == type }) ?? true else { return [] }
        return [LintIssue(.dropEnumValue, "DROP TYPE \(type) drops the type and every value of it; columns of the type must go first.",
                          advice: "Stop using the type's values in a release first; to remove one value, create the new type, move the columns to it, then drop the old type.")]
    }
}

extension PostgresDialect {
    /// PostgreSQL's own rules: indexes without CONCURRENTLY, constraints without NOT VALID,
    /// SET NOT NULL, table rewrites, a missing lock_timeout, DROP TYPE.
    public var lintRules: [any LintRule] { PostgresLintRules.all }

    /// With `SET LOCAL lock_timeout` before it: behind a long query it fails after 5 s
    /// instead of queueing every query on the table behind it.
    public func lockSafeAlterTable(_ alterTable: String) -> String {
        "-- Fail fast rather than queue every query on the table behind a long one.\nSET LOCAL lock_timeout = '5s';\n\(alterTable);"
    }
}
