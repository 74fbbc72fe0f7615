/// The lint rules every dialect shares: destructive statements, renames in the standard
/// syntax, and the data-dependent ones. Each fires only on a table that exists before the
/// migrations being linted.
public enum CommonLintRules {
    /// The rules, in code order.
    public static let all: [any LintRule] = [
        DropTableRule(), DropColumnRule(), RebuildDropsColumnRule(), TruncateRule(), RenameRule(), AddedColumnRule(), UniqueOnExistingRule(),
    ]
}

/// ST102 in a table rebuild: the rows are copied into the new table (`INSERT INTO new (…)
/// SELECT … FROM old`) without some of the old table's columns.
struct RebuildDropsColumnRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        guard tokens.starts(with: "INSERT", "INTO"), let from = tokens.find(["FROM"]), let table = tokens.name(at: from + 1)?.name,
              context.rebuiltTables.contains(table), let select = tokens.find(["SELECT"]), let old = context.columns(of: table) else { return [] }
        let copied = Set(tokens.tokens[(select + 1)..<from].filter { $0.kind == .word || $0.kind == .quotedIdentifier }.map { $0.kind == .word ? $0.text.lowercased() : $0.text })
        return old.filter { !copied.contains($0) && !copied.contains($0.lowercased()) }.map { column in
            LintIssue(.dropColumn, "Rebuilding table \(table) drops column \(table).\(column): its data is not copied into the new table.",
                      advice: "Stop reading and writing the column in a release first (for an ORM, ignore it), then drop it in a later migration.")
        }
    }
}

/// ST101: `DROP TABLE` of a table that exists.
struct DropTableRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        guard tokens.starts(with: "DROP", "TABLE") else { return [] }
        var index = 2
        while index < tokens.tokens.count, ["IF", "EXISTS"].contains(tokens.tokens[index].keyword) { index += 1 }
        var issues: [LintIssue] = []
        while let (table, next) = tokens.name(at: index) {
            if !context.isNew(table), !context.rebuiltTables.contains(table) {
                issues.append(LintIssue(.dropTable, "DROP TABLE \(table) deletes the table and every row in it.",
                                        advice: "Stop using the table in a release first, back it up, and drop it in a later migration; or keep it renamed for a while."))
            }
            guard next < tokens.tokens.count, tokens.tokens[next].text == "," else { break }
            index = next + 1
        }
        return issues
    }
}

/// ST102: `ALTER TABLE … DROP [COLUMN] c`.
struct DropColumnRule: LintRule {
    static let notColumns: Set<String> = ["CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK", "DEFAULT", "PARTITION", "SYSTEM", "PERIOD", "NOT", "IDENTITY", "EXPRESSION"]

    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.compactMap { clause in
            guard clause.starts(with: "DROP") else { return nil }
            var index = 1
            if clause.tokens.count > index, clause.tokens[index].keyword == "COLUMN" { index += 1 }
            else if clause.tokens.count > index, Self.notColumns.contains(clause.tokens[index].keyword), clause.tokens[index].kind == .word { return nil }
            while index < clause.tokens.count, ["IF", "EXISTS"].contains(clause.tokens[index].keyword) { index += 1 }
            guard let column = clause.name(at: index)?.name else { return nil }
            return LintIssue(.dropColumn, "Dropping column \(table).\(column) deletes its data, and breaks the application version still reading it.",
                             advice: "Stop reading and writing the column in a release first (for an ORM, ignore it), then drop it in a later migration.")
        }
    }
}

/// ST103: `TRUNCATE`.
struct TruncateRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        guard tokens.starts(with: "TRUNCATE") else { return [] }
        var index = 1
        while index < tokens.tokens.count, ["TABLE", "ONLY"].contains(tokens.tokens[index].keyword) { index += 1 }
        guard let table = tokens.name(at: index)?.name, !context.isNew(table) else { return [] }
        return [LintIssue(.truncate, "TRUNCATE \(table) deletes every row of the table.",
                          advice: "Delete the rows meant with a WHERE clause, or move them away first; a migration is no place to empty a table in use.")]
    }
}

/// ST201 and ST202: a table or a column renamed with `ALTER TABLE … RENAME TO` or
/// `RENAME [COLUMN] a TO b`, which every dialect has. MySQL's own spellings (`RENAME TABLE`,
/// `CHANGE old new`) are in its module, as are the type changes of each dialect.
struct RenameRule: LintRule {
    /// Why a rename is a warning, and what to do instead.
    static let advice = "Renaming breaks the application version still running. Add the new name, copy and write to both, switch the application, then drop the old one in a later migration (or use a view)."

    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        var issues: [LintIssue] = []
        for clause in statement.alterClauses {
            if clause.starts(with: "RENAME", "TO") || clause.starts(with: "RENAME", "AS") {
                issues.append(LintIssue(.renameTable, "Table \(table) is renamed.", advice: Self.advice))
            } else if clause.starts(with: "RENAME") && !clause.starts(with: "RENAME", "INDEX") && !clause.starts(with: "RENAME", "KEY") && !clause.starts(with: "RENAME", "CONSTRAINT") {
                let start = clause.starts(with: "RENAME", "COLUMN") ? 2 : 1
                let column = clause.name(at: start)?.name ?? "?"
                issues.append(LintIssue(.renameColumn, "Column \(table).\(column) is renamed.", advice: Self.advice))
            }
        }
        return issues
    }
}

extension LintIssue {
    /// ST203 for `table.column`, as each dialect's type-change rule reports it.
    public static func typeChange(_ table: String, _ column: String) -> LintIssue {
        LintIssue(.typeChange, "The type of column \(table).\(column) is changed.",
                  advice: "The running application may write values the new type refuses, or read them differently. Add a column of the new type, backfill it, switch the application, then drop the old one.")
    }

    /// ST201 or ST202, as the dialects that have their own rename syntax report it.
    public static func renamed(_ code: LintCode, _ what: String) -> LintIssue {
        LintIssue(code, what, advice: RenameRule.advice)
    }
}

/// ST501: a `NOT NULL` column without a default added to a table that exists.
struct AddedColumnRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.compactMap { clause in
            guard clause.starts(with: "ADD"), !clause.starts(with: "ADD", "CONSTRAINT"), !clause.starts(with: "ADD", "INDEX"),
                  !clause.starts(with: "ADD", "KEY"), !clause.starts(with: "ADD", "UNIQUE"), !clause.starts(with: "ADD", "PRIMARY"),
                  !clause.starts(with: "ADD", "FOREIGN"), !clause.starts(with: "ADD", "CHECK"),
                  clause.contains("NOT", "NULL"), !clause.contains("DEFAULT"), !clause.contains("GENERATED"),
                  !clause.contains("AUTO_INCREMENT"), !clause.contains("SERIAL"), !clause.contains("BIGSERIAL") else { return nil }
            var index = clause.starts(with: "ADD", "COLUMN") ? 2 : 1
            while index < clause.tokens.count, ["IF", "NOT", "EXISTS"].contains(clause.tokens[index].keyword) { index += 1 }
            let column = clause.name(at: index)?.name ?? "?"
            return LintIssue(.notNullWithoutDefault, "Column \(table).\(column) is added NOT NULL without a default: it fails on a table that has rows.",
                             advice: "Add it with a DEFAULT, or add it nullable, backfill it, and set NOT NULL in a later migration.")
        }
    }
}

/// ST502: a unique index, unique constraint or primary key on columns of a table that exists.
struct UniqueOnExistingRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let advice = "It fails if the rows already there hold duplicates. Check for them first (SELECT … GROUP BY … HAVING COUNT(*) > 1), and clean them up in an earlier migration."
        let tokens = statement.tokens
        if tokens.starts(with: "CREATE", "UNIQUE", "INDEX"), let table = tokens.name(after: ["ON"]), !context.isNew(table) {
            return [LintIssue(.uniqueOnExisting, "A unique index is created on table \(table), which already has rows.", advice: advice)]
        }
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.compactMap { clause in
            guard clause.starts(with: "ADD") else { return nil }
            let columnDefinition = !clause.starts(with: "ADD", "CONSTRAINT") && !clause.starts(with: "ADD", "UNIQUE") && !clause.starts(with: "ADD", "PRIMARY")
            // A new column is empty: unique at once.
            guard !columnDefinition, clause.contains("UNIQUE") || clause.contains("PRIMARY", "KEY") else { return nil }
            return LintIssue(.uniqueOnExisting, "A unique constraint or primary key is added to table \(table), which already has rows.", advice: advice)
        }
    }
}
