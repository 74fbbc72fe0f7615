extension SQLDialect {
    /// `INSERT INTO table (columns…) VALUES (placeholders…)`, quoted for this dialect: how
    /// Strata's history and progress tables take a row.
    func insertSQL(into table: String, columns: [String]) -> String {
        let placeholders = (1...columns.count).map(bindPlaceholder(at:)).joined(separator: ", ")
        return "INSERT INTO \(quoteIdentifier(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) VALUES (\(placeholders))"
    }

    /// `DELETE FROM table WHERE version = placeholder`: how Strata's history and progress
    /// tables forget a migration.
    func deleteByVersionSQL(from table: String) -> String {
        "DELETE FROM \(quoteIdentifier(table)) WHERE \(quoteIdentifier("version")) = \(bindPlaceholder(at: 1))"
    }
}
