import Strata

/// MySQL/MariaDB's own lint rules: an `ALTER TABLE` free to copy the table, and enum
/// columns whose values are removed, reordered or inserted mid-list.
enum MySQLLintRules {
    static let all: [any LintRule] = [MySQLRenameAndTypeRule(), TableCopyRule(), EnumRedefinitionRule()]
}

/// ST201, ST202 and ST203 in MySQL's own syntax: `RENAME TABLE a TO b`, `CHANGE old new TYPE`
/// (a rename, and a type given again), `MODIFY c TYPE`.
struct MySQLRenameAndTypeRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        let tokens = statement.tokens
        if tokens.starts(with: "RENAME", "TABLE"), let table = tokens.name(at: 2)?.name, !context.isNew(table) {
            return [.renamed(.renameTable, "Table \(table) is renamed.")]
        }
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.flatMap { clause -> [LintIssue] in
            if clause.starts(with: "MODIFY"), let column = clause.name(at: clause.starts(with: "MODIFY", "COLUMN") ? 2 : 1)?.name {
                return [.typeChange(table, column)]
            }
            guard clause.starts(with: "CHANGE"), let (old, next) = clause.name(at: clause.starts(with: "CHANGE", "COLUMN") ? 2 : 1) else { return [] }
            var issues: [LintIssue] = []
            if let new = clause.name(at: next)?.name, new != old {
                issues.append(.renamed(.renameColumn, "Column \(table).\(old) is renamed to \(new)."))
            }
            issues.append(.typeChange(table, old))
            return issues
        }
    }
}

/// ST401: `ALTER TABLE` on a table that exists without `ALGORITHM=`: the server copies the
/// table (blocking writes) whenever it cannot do better, without saying so.
struct TableCopyRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        let clauses = statement.alterClauses
        guard !clauses.isEmpty, !clauses.allSatisfy({ $0.starts(with: "RENAME", "TO") || $0.starts(with: "RENAME", "AS") }),
              !clauses.contains(where: { $0.starts(with: "ALGORITHM") }) else { return [] }
        return [LintIssue(.tableCopy, "ALTER TABLE \(table) states no ALGORITHM: where the change cannot be made in place, the server copies the whole table and blocks writes meanwhile.",
                          advice: "Add ALGORITHM=INSTANT (or ALGORITHM=INPLACE, LOCK=NONE): the server then refuses a change it cannot make that way, instead of copying the table.")]
    }
}

/// ST104 and ST402: `MODIFY` / `CHANGE` of an enum column whose values, as the database has
/// them now, are removed, or reordered or inserted before the last one.
struct EnumRedefinitionRule: LintRule {
    func check(_ statement: LintStatement, in context: LintContext) -> [LintIssue] {
        guard let (table, _) = statement.alteredTable, !context.isNew(table) else { return [] }
        return statement.alterClauses.flatMap { clause -> [LintIssue] in
            let column: String?
            if clause.starts(with: "MODIFY") {
                column = clause.name(at: clause.starts(with: "MODIFY", "COLUMN") ? 2 : 1)?.name
            } else if clause.starts(with: "CHANGE") {
                column = clause.name(at: clause.starts(with: "CHANGE", "COLUMN") ? 2 : 1)?.name
            } else {
                column = nil
            }
            guard let column, let new = clause.stringList(after: "ENUM"), let old = context.columnDefinition(table, column).flatMap({ SQLTokens($0).stringList(after: "ENUM") }) else { return [] }
            let removed = old.filter { !new.contains($0) }
            if !removed.isEmpty {
                return [LintIssue(.dropEnumValue, "Column \(table).\(column) loses the enum value\(removed.count == 1 ? "" : "s") \(removed.map { "'\($0)'" }.joined(separator: ", ")): rows holding them become ''.",
                                  advice: "Move the rows off those values in an earlier migration, and stop the application writing them, before removing them.")]
            }
            guard Array(new.prefix(old.count)) != old else { return [] }
            return [LintIssue(.enumReordered, "Column \(table).\(column)'s enum values are reordered, or new ones inserted before the last: the server copies the whole table.",
                              advice: "Append new values at the end of the list: that is an instant change.")]
        }
    }
}

extension MySQLDialect {
    /// MySQL/MariaDB's own rules: ALTER TABLE without ALGORITHM, enum values removed or reordered.
    public var lintRules: [any LintRule] { MySQLLintRules.all }

    /// With `ALGORITHM=INSTANT`: the server refuses a change it cannot make without copying
    /// the table, instead of copying it.
    public func lockSafeAlterTable(_ alterTable: String) -> String { alterTable + ", ALGORITHM=INSTANT;" }
}
