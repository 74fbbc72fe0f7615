import Foundation

/// How serious a lint finding is: an error fails `strata lint` (exit 1), a warning does not.
public enum LintSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fails the lint: the change loses data, or fails on real data.
    case error
    /// Reported; does not fail the lint.
    case warning
}

/// A lint rule's stable identity, what kind of risk it is about, and its default severity.
/// One catalog for every dialect: a dialect's module implements the rules that are its
/// own, under these codes.
public struct LintCode: Sendable, Hashable, CustomStringConvertible {
    /// What a rule guards against.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// Loses data: dropping a table or column, truncating, dropping enum values.
        case destructive
        /// Breaks the application version still running: renames and type changes.
        case backwardIncompatible = "backward-incompatible"
        /// Holds a lock on a table that is in use for as long as the table is big.
        case lockHeavy = "lock-heavy"
        /// Fails, or not, depending on the rows already there.
        case dataDependent = "data-dependent"
        /// Makes the migration itself harder to run or to take back.
        case hygiene

        /// Destructive and data-dependent findings are errors; the others warnings.
        public var defaultSeverity: LintSeverity { self == .destructive || self == .dataDependent ? .error : .warning }
    }

    /// The code, e.g. `ST101`: stable, for configuration and ignore comments.
    public let code: String
    /// A name that says what it finds, e.g. `drop-table`; configuration accepts it too.
    public let name: String
    /// The kind of risk.
    public let category: Category
    /// One line on what the rule finds, for the README and `--json`.
    public let summary: String

    /// The severity used when `strata.yml` does not change it.
    public var defaultSeverity: LintSeverity { category.defaultSeverity }

    /// `ST101 drop-table`.
    public var description: String { "\(code) \(name)" }

    public static let dropTable = LintCode(code: "ST101", name: "drop-table", category: .destructive, summary: "DROP TABLE of a table that exists")
    public static let dropColumn = LintCode(code: "ST102", name: "drop-column", category: .destructive, summary: "ALTER TABLE … DROP COLUMN")
    public static let truncate = LintCode(code: "ST103", name: "truncate", category: .destructive, summary: "TRUNCATE")
    public static let dropEnumValue = LintCode(
        code: "ST104", name: "drop-enum-value", category: .destructive,
        summary: "an enum type dropped (PostgreSQL) or an enum column redefined without some of its values (MySQL)"
    )
    public static let renameTable = LintCode(code: "ST201", name: "rename-table", category: .backwardIncompatible, summary: "a table renamed")
    public static let renameColumn = LintCode(code: "ST202", name: "rename-column", category: .backwardIncompatible, summary: "a column renamed")
    public static let typeChange = LintCode(code: "ST203", name: "type-change", category: .backwardIncompatible, summary: "a column's type changed")
    public static let indexNotConcurrent = LintCode(
        code: "ST301", name: "index-not-concurrent", category: .lockHeavy,
        summary: "PostgreSQL: an index created or dropped without CONCURRENTLY on a table that exists"
    )
    public static let constraintValidated = LintCode(
        code: "ST302", name: "constraint-not-valid", category: .lockHeavy,
        summary: "PostgreSQL: a foreign key or check added to a table that exists without NOT VALID"
    )
    public static let setNotNull = LintCode(code: "ST303", name: "set-not-null", category: .lockHeavy, summary: "PostgreSQL: SET NOT NULL on a table that exists")
    public static let rewritingTypeChange = LintCode(
        code: "ST304", name: "table-rewrite", category: .lockHeavy, summary: "PostgreSQL: a type change that rewrites a table that exists"
    )
    public static let volatileDefault = LintCode(
        code: "ST305", name: "volatile-default", category: .lockHeavy, summary: "PostgreSQL: a column added with a volatile default, which rewrites the table"
    )
    public static let missingLockTimeout = LintCode(
        code: "ST306", name: "lock-timeout", category: .lockHeavy,
        summary: "PostgreSQL: no SET lock_timeout before a statement that takes an ACCESS EXCLUSIVE lock on a table that exists"
    )
    public static let concurrentlyInTransaction = LintCode(
        code: "ST307", name: "concurrently-in-transaction", category: .lockHeavy,
        summary: "PostgreSQL: CONCURRENTLY in a section that runs in a transaction, where it fails"
    )
    public static let tableCopy = LintCode(
        code: "ST401", name: "table-copy", category: .lockHeavy,
        summary: "MySQL/MariaDB: ALTER TABLE on a table that exists without ALGORITHM=INSTANT or INPLACE, free to copy the table"
    )
    public static let enumReordered = LintCode(
        code: "ST402", name: "enum-reordered", category: .lockHeavy,
        summary: "MySQL/MariaDB: enum values reordered or inserted mid-list, which copies the table"
    )
    public static let notNullWithoutDefault = LintCode(
        code: "ST501", name: "not-null-without-default", category: .dataDependent,
        summary: "a NOT NULL column without a default added to a table that exists"
    )
    public static let uniqueOnExisting = LintCode(
        code: "ST502", name: "unique-on-existing", category: .dataDependent,
        summary: "a unique index, unique constraint or primary key added on columns of a table that exists"
    )
    public static let missingDown = LintCode(code: "ST601", name: "missing-down", category: .hygiene, summary: "a migration without a down section")
    public static let nonTransactionalSeveral = LintCode(
        code: "ST602", name: "transaction-false-several-statements", category: .hygiene,
        summary: "a transaction:false section with several statements, which a failure leaves half-done"
    )

    /// Every rule, in code order.
    public static let all: [LintCode] = [
        dropTable, dropColumn, truncate, dropEnumValue, renameTable, renameColumn, typeChange,
        indexNotConcurrent, constraintValidated, setNotNull, rewritingTypeChange, volatileDefault, missingLockTimeout, concurrentlyInTransaction,
        tableCopy, enumReordered, notNullWithoutDefault, uniqueOnExisting, missingDown, nonTransactionalSeveral,
    ]

    /// The rule with this code or name.
    public static func named(_ codeOrName: String) -> LintCode? {
        all.first { $0.code.caseInsensitiveCompare(codeOrName) == .orderedSame || $0.name == codeOrName.lowercased() }
    }
}
