import Strata

/// SQLite's generalized `ALTER TABLE` (<https://sqlite.org/lang_altertable.html#otheralter>),
/// inside the migration's transaction, which runs with foreign keys deferred:
/// create the new table, copy the rows, drop the old table, rename the new one, recreate
/// the indexes and triggers; the foreign keys are checked when the migration commits.
struct SQLiteTableRebuild {
    let dialect: SQLiteSchemaDialect
    let context: SchemaContext

    private var database: any DatabaseConnection { context.database }
    private func quote(_ name: String) -> String { dialect.sqlDialect.quoteIdentifier(name) }

    func changeColumn(_ column: Column, in table: String) async throws -> [SQLStatement] {
        let current = try await dialect.existingColumn(column.name, of: table, in: database, operation: "changeColumn")
        var changed = column
        // The primary key stays the primary key; changeColumn changes type, nullability and default.
        if current.isPrimaryKey, !column.isPrimaryKey { changed = column.primaryKey() }
        return try await rebuild(table, operation: "changeColumn") { items in
            items.map { SQLiteTableSQL.columnName($0) == column.name ? SchemaSQL(dialect).columnDefinition(changed, table: table) : $0 }
        }
    }

    func addEnumValue(_ value: String, to column: String, in table: String) async throws -> [SQLStatement] {
        let (current, values) = try await dialect.enumerationColumn(column, of: table, in: database)
        if values.contains(value) { return [] }
        var replacement = Column(column, .enumeration(typeName: nil, values: values + [value]))
        replacement.isNullable = current.isNullable
        replacement.defaultValue = current.defaultValue
        return try await changeColumn(replacement, in: table)
    }

    func removeColumn(_ column: String, from table: String) async throws -> [SQLStatement] {
        _ = try await dialect.existingColumn(column, of: table, in: database, operation: "removeColumn")
        return try await rebuild(table, operation: "removeColumn", dropping: column) { items in
            var kept: [String] = []
            for item in items {
                if SQLiteTableSQL.columnName(item) == column { continue }
                // A foreign key on this column alone goes with it.
                if SQLiteTableSQL.foreignKeyColumns(item) == [column] { continue }
                if SQLiteTableSQL.isConstraint(item), SQLiteTableSQL.tokens(item).contains(column) {
                    throw StrataError.unsupported(
                        "removeColumn \(table).\(column) (the table constraint `\(item)` uses it)", dialect: "sqlite",
                        workaround: "remove that constraint first (removeCheck/removeForeignKey), then the column."
                    )
                }
                kept.append(item)
            }
            return kept
        }
    }

    func addColumn(_ column: Column, to table: String) async throws -> [SQLStatement] {
        var plain = column
        plain.reference = nil
        plain.isUnique = false
        let sql = SchemaSQL(dialect)
        var statements = try await rebuild(table, operation: "addColumn") { items in
            var items = items
            let lastColumn = items.lastIndex { SQLiteTableSQL.columnName($0) != nil } ?? (items.count - 1)
            items.insert(sql.columnDefinition(plain, table: table), at: lastColumn + 1)
            if let reference = column.reference {
                items.append(sql.foreignKeyClause(ForeignKey([column.name], references: reference.table, [reference.column],
                                                             onDelete: reference.onDelete, onUpdate: reference.onUpdate), table: table))
            }
            return items
        }
        if column.isUnique {
            statements += try sql.statements(for: .addIndex(Index(table: table, columns: [column.name], isUnique: true), concurrently: false, ifNotExists: false))
        }
        return statements
    }

    func addItem(_ item: String, to table: String, change: SchemaChange) async throws -> [SQLStatement] {
        try await rebuild(table, operation: change.operation) { $0 + [item] }
    }

    func removeConstraint(_ name: String, from table: String, ifExists: Bool, change: SchemaChange) async throws -> [SQLStatement] {
        guard let definition = try await dialect.tableSQL(table, in: database) else {
            if ifExists { return [] }
            throw noTable(table, operation: change.operation)
        }
        guard definition.items.contains(where: { SQLiteTableSQL.constraintName($0) == name }) else {
            if ifExists { return [] }
            throw StrataError.failure(
                "\(change.operation): table \(table) has no constraint named \(name).",
                hint: "Constraints Strata creates are named <table>_<columns>_fkey; check the name, or pass ifExists: true."
            )
        }
        return try await rebuild(table, operation: change.operation) { items in
            items.filter { SQLiteTableSQL.constraintName($0) != name }
        }
    }

    // MARK: - The rebuild

    /// The statements rebuilding `table` with its items transformed by `transform`. Rows are
    /// copied for the columns both tables have; indexes on `dropping` are not recreated.
    private func rebuild(
        _ table: String, operation: String, dropping removedColumn: String? = nil,
        _ transform: ([String]) throws -> [String]
    ) async throws -> [SQLStatement] {
        guard context.inTransaction else {
            throw StrataError.unsupported(
                "\(operation) on \(table) outside a transaction", dialect: "sqlite",
                workaround: "SQLite makes this change by rebuilding the table, which must run in the migration's transaction; "
                    + "remove `runsInTransaction = false` from the migration."
            )
        }
        let foreignKeys = try await database.query("PRAGMA foreign_keys", [])
        if foreignKeys.first?["foreign_keys"].integer == 1 {
            throw StrataError.failure(
                "\(operation) on \(table) must rebuild the table, but foreign keys are enforced in this transaction.",
                hint: "Strata defers foreign keys for migrations whose recorded changes rebuild a table; "
                    + "make the change unconditional in the migration so that it is recorded."
            )
        }
        guard let definition = try await dialect.tableSQL(table, in: database) else { throw noTable(table, operation: operation) }
        let oldColumns = try await dialect.columns(of: table, in: database).map(\.name)
        let newItems = try transform(definition.items)
        let newColumns = newItems.compactMap(SQLiteTableSQL.columnName)
        let copied = oldColumns.filter(newColumns.contains)
        let scratch = "strata_rebuild_\(table)"
        let body = newItems.map { "  " + $0 }.joined(separator: ",\n")
        let dependents = try await database.query(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
            [.text(table)]
        )
        var recreated: [String] = []
        for row in dependents {
            guard let sql = row["sql"].text else { continue }
            if let removedColumn, row["type"].text == "index", let name = row["name"].text {
                let columns = try await database.query("SELECT name FROM pragma_index_info(?)", [.text(name)]).compactMap { $0["name"].text }
                if columns.contains(removedColumn) { continue }
            }
            recreated.append(sql)
        }
        let columnList = copied.map(quote).joined(separator: ", ")
        var statements = [
            "CREATE TABLE \(quote(scratch)) (\n\(body)\n)\(definition.options)",
            "INSERT INTO \(quote(scratch)) (\(columnList)) SELECT \(columnList) FROM \(quote(table))",
            "DROP TABLE \(quote(table))",
            "ALTER TABLE \(quote(scratch)) RENAME TO \(quote(table))",
        ]
        statements += recreated
        return statements.map { SQLStatement(text: $0, line: 0) }
    }

    private func noTable(_ table: String, operation: String) -> StrataError {
        StrataError.failure("\(operation): there is no table \(table).", hint: "Check the table's name with tables().")
    }
}
