extension SQLDialect {
    /// `INSERT INTO table (columns…) VALUES (placeholders…)`, with as many rows of
    /// placeholders as `rows`, quoted for this dialect: how Strata's history and progress
    /// tables take rows.
    func insertSQL(into table: String, columns: [String], rows: Int = 1) -> String {
        let values = (0..<max(rows, 1)).map { row in
            "(" + (1...columns.count).map { bindPlaceholder(at: row * columns.count + $0) }.joined(separator: ", ") + ")"
        }
        return "INSERT INTO \(quoteIdentifier(table)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) VALUES \(values.joined(separator: ", "))"
    }

    /// `DELETE FROM table WHERE version = placeholder`: how Strata's history and progress
    /// tables forget a migration.
    func deleteByVersionSQL(from table: String) -> String {
        "DELETE FROM \(quoteIdentifier(table)) WHERE \(quoteIdentifier("version")) = \(bindPlaceholder(at: 1))"
    }
}
