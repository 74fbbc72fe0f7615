/// The common rendering of ``SchemaChange``s into SQL, drawing every dialect-specific
/// piece — quoting, type names, literals, optional features — from a ``SchemaDialect``.
///
/// Pure: it never reads the database. Operations whose SQL depends on what exists
/// (changing a column, adding an enum value) have no common rendering; each dialect
/// renders them or says they are unsupported.
public struct SchemaSQL: Sendable {
    /// The dialect rendered for.
    public let dialect: any SchemaDialect

    /// A renderer for `dialect`.
    public init(_ dialect: any SchemaDialect) {
        self.dialect = dialect
    }

    private var name: String { dialect.sqlDialect.name }

    /// `name` quoted.
    public func quote(_ name: String) -> String { dialect.sqlDialect.quoteIdentifier(name) }

    /// `a, b` quoted.
    public func quoteList(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }

    /// The statements for `change`.
    /// - Throws: ``StrataError`` for a change this dialect cannot make.
    public func statements(for change: SchemaChange) throws -> [SQLStatement] {
        if case .sql(let text) = change {
            let rendered = text.rendered(for: dialect.sqlDialect)
            return [SQLStatement(text: rendered.text, line: 0, binds: rendered.binds)]
        }
        return try sql(for: change).map { SQLStatement(text: $0, line: 0) }
    }

    private func sql(for change: SchemaChange) throws -> [String] {
        switch change {
        case .createTable(let table, let ifNotExists):
            return [createTable(table, ifNotExists: ifNotExists)] + table.allUniqueIndexes.map { createIndex($0, concurrently: false, ifNotExists: ifNotExists) }
        case .dropTable(let table, let ifExists):
            return ["DROP TABLE \(ifExists ? "IF EXISTS " : "")\(quote(table))"]
        case .renameTable(let from, let to):
            return ["ALTER TABLE \(quote(from)) RENAME TO \(quote(to))"]
        case .addColumn(let column, let table, _):
            var statements = ["ALTER TABLE \(quote(table)) ADD COLUMN \(columnDefinition(column, table: table))"]
            if let reference = column.reference {
                statements += try sql(for: .addForeignKey(ForeignKey(table: table, column: column.name, reference), table: table))
            }
            if column.isUnique {
                statements.append(createIndex(Index(table: table, columns: [column.name], isUnique: true), concurrently: false, ifNotExists: false))
            }
            return statements
        case .removeColumn(let column, let table, _):
            return ["ALTER TABLE \(quote(table)) DROP COLUMN \(quote(column))"]
        case .renameColumn(let from, let to, let table):
            return ["ALTER TABLE \(quote(table)) RENAME COLUMN \(quote(from)) TO \(quote(to))"]
        case .addIndex(let index, let concurrently, let ifNotExists):
            if index.predicate != nil, !dialect.features.contains(.partialIndexes) {
                throw StrataError.unsupported(
                    "addIndex with a where: condition (partial index \(index.name))", dialect: name,
                    workaround: "index the whole table, or add a generated column holding the condition and index that."
                )
            }
            if concurrently, !dialect.features.contains(.concurrentIndexes) {
                throw StrataError.unsupported(
                    "addIndex concurrently: (index \(index.name))", dialect: name,
                    workaround: "drop concurrently: true; \(name) builds the index without that option."
                )
            }
            return [createIndex(index, concurrently: concurrently, ifNotExists: ifNotExists)]
        case .removeIndex(let index, let table, let concurrently, let ifExists):
            if concurrently, !dialect.features.contains(.concurrentIndexes) {
                throw StrataError.unsupported(
                    "removeIndex concurrently: (index \(index))", dialect: name,
                    workaround: "drop concurrently: true; \(name) drops the index without that option."
                )
            }
            let onTable = dialect.features.contains(.dropIndexNamesTable) ? " ON \(quote(table))" : ""
            return ["DROP INDEX \(concurrently ? "CONCURRENTLY " : "")\(ifExists ? "IF EXISTS " : "")\(quote(index))\(onTable)"]
        case .addForeignKey(let key, let table):
            try requireConstraints(change)
            return ["ALTER TABLE \(quote(table)) ADD \(foreignKeyClause(key, table: table))"]
        case .removeForeignKey(let key, let table, let ifExists):
            try requireConstraints(change)
            let keyword = dialect.features.contains(.dropForeignKeyKeyword) ? "FOREIGN KEY" : "CONSTRAINT"
            return ["ALTER TABLE \(quote(table)) DROP \(keyword) \(ifExists ? "IF EXISTS " : "")\(quote(key))"]
        case .addCheck(let check, let table):
            try requireConstraints(change)
            return ["ALTER TABLE \(quote(table)) ADD \(checkClause(check))"]
        case .removeCheck(let check, let table, let ifExists):
            try requireConstraints(change)
            return ["ALTER TABLE \(quote(table)) DROP CONSTRAINT \(ifExists ? "IF EXISTS " : "")\(quote(check))"]
        case .changeColumn(let column, let table):
            throw StrataError.unsupported(
                "changeColumn (\(table).\(column.name))", dialect: name,
                workaround: "add a new column, copy the data with execute(...), remove the old column and rename the new one."
            )
        case .addEnumValue(let value, let column, let table):
            throw StrataError.unsupported(
                "addEnumValue ('\(value)' to \(table).\(column))", dialect: name,
                workaround: "change the column with the full list of values, or use a lookup table."
            )
        case .sql(let text):
            return [text.rendered(for: dialect.sqlDialect).text]
        }
    }

    private func requireConstraints(_ change: SchemaChange) throws {
        guard dialect.features.contains(.alterTableConstraints) else {
            throw StrataError.unsupported(
                change.operation, dialect: name,
                workaround: "recreate the table with the constraint in createTable and copy the rows over."
            )
        }
    }

    /// `CREATE TABLE` with its columns, primary key, foreign keys and checks.
    public func createTable(_ table: TableDefinition, ifNotExists: Bool) -> String {
        let compositeKey = table.primaryKey.map { !$0.isEmpty } ?? false
        var items = table.columns.map { column in
            var definition = columnDefinition(column, table: table.name)
            if compositeKey, column.isPrimaryKey, !column.isAutoIncrement {
                // The table-wide key takes over a column-level one.
                definition = columnDefinition(column.with(primaryKey: false), table: table.name)
            }
            return definition
        }
        if let key = table.primaryKey, !key.isEmpty { items.append("PRIMARY KEY (\(quoteList(key)))") }
        items += table.allForeignKeys.map { foreignKeyClause($0, table: table.name) }
        items += table.checks.map(checkClause)
        let body = items.map { "  " + $0 }.joined(separator: ",\n")
        return "CREATE TABLE \(ifNotExists ? "IF NOT EXISTS " : "")\(quote(table.name)) (\n\(body)\n)"
    }

    /// `name TYPE [NOT NULL] [DEFAULT ...] [PRIMARY KEY]`; foreign keys and uniqueness are
    /// rendered apart, as named constraints and indexes.
    public func columnDefinition(_ column: Column, table: String) -> String {
        if column.isAutoIncrement { return dialect.autoIncrementColumn(column, table: table) }
        var definition = "\(quote(column.name)) \(dialect.typeName(of: column, table: table))"
        if !column.isNullable { definition += " NOT NULL" }
        if let value = column.defaultValue { definition += " DEFAULT \(dialect.defaultExpression(value, for: column))" }
        if column.isPrimaryKey { definition += " PRIMARY KEY" }
        return definition
    }

    /// `CONSTRAINT name FOREIGN KEY (a) REFERENCES t (b) [ON DELETE ...] [ON UPDATE ...]`.
    public func foreignKeyClause(_ key: ForeignKey, table: String) -> String {
        var clause = "CONSTRAINT \(quote(key.constraintName(on: table))) FOREIGN KEY (\(quoteList(key.columns))) "
            + "REFERENCES \(quote(key.referencedTable)) (\(quoteList(key.referencedColumns)))"
        if let action = key.onDelete { clause += " ON DELETE \(action.rawValue)" }
        if let action = key.onUpdate { clause += " ON UPDATE \(action.rawValue)" }
        return clause
    }

    /// `CONSTRAINT name CHECK (expression)`.
    public func checkClause(_ check: Check) -> String {
        "CONSTRAINT \(quote(check.name)) CHECK (\(check.expression))"
    }

    /// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table (columns) [WHERE ...]`.
    public func createIndex(_ index: Index, concurrently: Bool, ifNotExists: Bool) -> String {
        var sql = "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX \(concurrently ? "CONCURRENTLY " : "")"
            + "\(ifNotExists ? "IF NOT EXISTS " : "")\(quote(index.name)) ON \(quote(index.table)) (\(quoteList(index.columns)))"
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        return sql
    }
}

extension Column {
    func with(primaryKey: Bool) -> Column {
        var copy = self
        copy.isPrimaryKey = primaryKey
        return copy
    }
}
