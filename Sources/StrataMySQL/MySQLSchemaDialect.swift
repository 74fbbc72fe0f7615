import Foundation
import Strata

/// The `Schema` API on MySQL/MariaDB: inline `ENUM`s, `MODIFY COLUMN` for changes,
/// `DROP FOREIGN KEY`, and the clean-up MySQL needs that other databases do themselves
/// (foreign keys dropped before their column, the index MySQL adds for a foreign key
/// dropped with it). Times are `DATETIME` in the UTC session Strata opens; a
/// `timestampWithTimeZone` is `DATETIME(6)`, told apart by its precision.
///
/// The SQL is the one MariaDB and MySQL 8 both accept: `ifExists` and `ifNotExists` of
/// indexes and constraints are decided by looking at `information_schema` first (MySQL has
/// no `DROP INDEX IF EXISTS`), and the one keyword that differs — `DROP CHECK` on MySQL
/// 8.0.16 to 8.0.18 — comes from the ``MySQLFlavor``.
public struct MySQLSchemaDialect: SchemaDialect {
    /// The server written for; see ``MySQLFlavor``.
    public var flavor: MySQLFlavor

    /// Creates the dialect for `flavor`.
    public init(flavor: MySQLFlavor = .portable) {
        self.flavor = flavor
    }

    /// MySQL's quoting and `?` placeholders.
    public var sqlDialect: any SQLDialect { MySQLDialect(flavor: flavor) }

    /// Constraints through `ALTER TABLE`, `DROP INDEX ... ON`, `DROP FOREIGN KEY`.
    public var features: SchemaFeatures { [.alterTableConstraints, .dropIndexNamesTable, .dropForeignKeyKeyword] }

    /// `VARCHAR(255)`, `TINYINT(1)`, `DATETIME(6)`, `ENUM('a','b')`, ….
    public func typeName(of column: Column, table: String) -> String {
        switch column.type {
        case .integer: "INT"
        case .bigint: "BIGINT"
        case .string(let length): "VARCHAR(\(length))"
        case .text: "LONGTEXT"
        case .bool: "TINYINT(1)"
        case .date: "DATE"
        case .datetime: "DATETIME"
        case .timestampWithTimeZone: "DATETIME(6)"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .uuid: "CHAR(36)"
        case .json: "JSON"
        case .binary: "LONGBLOB"
        case .enumeration(_, let values): "ENUM(\(values.map(stringLiteral).joined(separator: ",")))"
        }
    }

    /// Quotes doubled and backslashes escaped, as MySQL reads string literals.
    public func stringLiteral(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    /// `CURRENT_TIMESTAMP(6)` for a `DATETIME(6)` column (MySQL requires the precisions to
    /// match); otherwise the common defaults.
    public func defaultExpression(_ value: ColumnDefault, for column: Column) -> String {
        switch value {
        case .currentTimestamp: column.type == .timestampWithTimeZone ? "CURRENT_TIMESTAMP(6)" : "CURRENT_TIMESTAMP"
        case .string(let text): stringLiteral(text)
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "1" : "0"
        case .expression(let sql): "(\(sql))"
        }
    }

    /// `id INT NOT NULL AUTO_INCREMENT PRIMARY KEY` (or `BIGINT`), the name quoted with backticks.
    public func autoIncrementColumn(_ column: Column, table: String) -> String {
        "\(sqlDialect.quoteIdentifier(column.name)) \(column.type == .bigint ? "BIGINT" : "INT") NOT NULL AUTO_INCREMENT PRIMARY KEY"
    }

    /// `MODIFY COLUMN` for changes; foreign keys dropped before their column; the index
    /// behind a foreign key dropped with it.
    public func statements(for change: SchemaChange, in context: SchemaContext) async throws -> [SQLStatement] {
        let database = context.database
        let sql = SchemaSQL(self)
        switch change {
        case .changeColumn(let column, let table):
            let current = try await existingColumn(column.name, of: table, in: database, operation: "changeColumn")
            var changed = column
            if current.isPrimaryKey { changed.isPrimaryKey = false } // MODIFY keeps the existing key.
            return [SQLStatement(text: "ALTER TABLE \(quote(table)) MODIFY COLUMN \(sql.columnDefinition(changed, table: table))", line: 0)]
        case .addEnumValue(let value, let column, let table):
            let (current, values) = try await enumerationColumn(column, of: table, in: database)
            if values.contains(value) { return [] }
            var replacement = Column(column, .enumeration(typeName: nil, values: values + [value]))
            replacement.isNullable = current.isNullable
            replacement.defaultValue = current.defaultValue
            return [SQLStatement(text: "ALTER TABLE \(quote(table)) MODIFY COLUMN \(sql.columnDefinition(replacement, table: table))", line: 0)]
        case .removeColumn(let column, let table, let ifExists):
            if ifExists, try await !columns(of: table, in: database).contains(where: { $0.name == column }) { return [] }
            let keys = try await foreignKeys(of: table, column: column, in: database)
            return keys.map { SQLStatement(text: "ALTER TABLE \(quote(table)) DROP FOREIGN KEY \(quote($0))", line: 0) }
                + (try sql.statements(for: .removeColumn(column, table: table, ifExists: false)))
        case .removeForeignKey(let name, let table, let ifExists):
            if ifExists, try await !hasConstraint(name, type: "FOREIGN KEY", on: table, in: database) { return [] }
            let drop = try sql.statements(for: .removeForeignKey(name, table: table, ifExists: false))
            if try await !hasIndex(name, on: table, in: database) { return drop }
            return drop + [SQLStatement(text: "DROP INDEX \(quote(name)) ON \(quote(table))", line: 0)]
        case .removeCheck(let name, let table, let ifExists):
            if ifExists, try await !hasConstraint(name, type: "CHECK", on: table, in: database) { return [] }
            return [SQLStatement(text: "ALTER TABLE \(quote(table)) DROP \(flavor.checkDropKeyword) \(quote(name))", line: 0)]
        case .removeIndex(let name, let table, let concurrently, let ifExists):
            if ifExists, try await !hasIndex(name, on: table, in: database) { return [] }
            return try await keepForeignKeysIndexed(without: name, table: table, in: database)
                + commonStatements(for: .removeIndex(name, table: table, concurrently: concurrently, ifExists: false), in: context)
        case .addIndex(let index, let concurrently, let ifNotExists):
            if ifNotExists, try await hasIndex(index.name, on: index.table, in: database) { return [] }
            return try await commonStatements(for: .addIndex(index, concurrently: concurrently, ifNotExists: false), in: context)
        default:
            return try await commonStatements(for: change, in: context)
        }
    }

    /// MySQL needs an index for every foreign key, drops the one it made for a key when
    /// another index can serve, and refuses to drop that other index: so before dropping
    /// index `name`, recreate the key's own index (named like the key) where `name` was the
    /// only one serving it.
    private func keepForeignKeysIndexed(without name: String, table: String, in database: any DatabaseConnection) async throws -> [SQLStatement] {
        let keyRows = try await database.query(
            "SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name FROM information_schema.KEY_COLUMN_USAGE k "
                + "JOIN information_schema.TABLE_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
                + "AND c.TABLE_NAME = k.TABLE_NAME AND c.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
                + "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND c.CONSTRAINT_TYPE = 'FOREIGN KEY' "
                + "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            [.text(table)]
        )
        let keys = IndexDescription.grouping(keyRows)
        let indexRows = try await database.query(
            // A functional key part (MySQL 8) has no column: '' serves no foreign key.
            "SELECT INDEX_NAME AS name, 0 AS is_unique, COALESCE(COLUMN_NAME, '') AS column_name FROM information_schema.STATISTICS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            [.text(table)]
        )
        let indexes = IndexDescription.grouping(indexRows)
        guard let removed = indexes.first(where: { $0.name == name }) else { return [] }
        return keys.filter { key in
            removed.columns.starts(with: key.columns)
                && !indexes.contains { $0.name != name && $0.columns.starts(with: key.columns) }
        }.map { key in
            SQLStatement(text: "CREATE INDEX \(quote(key.name)) ON \(quote(table)) (\(key.columns.map(quote).joined(separator: ", ")))", line: 0)
        }
    }

    func quote(_ name: String) -> String { sqlDialect.quoteIdentifier(name) }

    /// What an index's part indexes, in `information_schema.STATISTICS`: its column, or on
    /// MySQL 8 the expression of a functional key part in parentheses, `(lower(`name`))`.
    var indexedPart: String {
        flavor.indexesExpressions ? "COALESCE(COLUMN_NAME, CONCAT('(', EXPRESSION, ')'))" : "COLUMN_NAME"
    }

    /// Whether `table` has an index called `name` (the primary key's is `PRIMARY`).
    private func hasIndex(_ name: String, on table: String, in database: any DatabaseConnection) async throws -> Bool {
        try await !database.query(
            "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1",
            [.text(table), .text(name)]
        ).isEmpty
    }

    /// Whether `table` has a constraint of `type` (`FOREIGN KEY`, `CHECK`) called `name`.
    private func hasConstraint(_ name: String, type: String, on table: String, in database: any DatabaseConnection) async throws -> Bool {
        try await !database.query(
            "SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? "
                + "AND CONSTRAINT_NAME = ? AND CONSTRAINT_TYPE = ? LIMIT 1",
            [.text(table), .text(name), .text(type)]
        ).isEmpty
    }

    private func foreignKeys(of table: String, column: String?, in database: any DatabaseConnection) async throws -> [String] {
        let rows = try await database.query(
            "SELECT DISTINCT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name FROM information_schema.KEY_COLUMN_USAGE k "
                + "JOIN information_schema.TABLE_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
                + "AND c.TABLE_NAME = k.TABLE_NAME AND c.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
                + "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND c.CONSTRAINT_TYPE = 'FOREIGN KEY'",
            [.text(table)]
        )
        return rows.filter { column == nil || $0["column_name"].text == column }.compactMap { $0["name"].text }
    }

    /// The base tables of the database, without Strata's own.
    public func tables(in database: any DatabaseConnection) async throws -> [String] {
        try await database.query(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                + "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE 'strata\\\\_%' ORDER BY TABLE_NAME", []
        ).compactMap { $0["name"].text }
    }

    /// From `information_schema.COLUMNS`; MariaDB's `JSON` (a `LONGTEXT` with a
    /// `json_valid` check) is recognised by its check.
    public func columns(of table: String, in database: any DatabaseConnection) async throws -> [ColumnDescription] {
        let rows = try await database.query(
            "SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable, "
                + "COLUMN_DEFAULT AS column_default, COLUMN_KEY AS column_key, EXTRA AS extra, GENERATION_EXPRESSION AS generation_expression "
                + "FROM information_schema.COLUMNS "
                + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
            [.text(table)]
        )
        if rows.isEmpty { return [] }
        let checks = try await checkConstraintRows(of: table, in: database).compactMap { $0["clause"].text }
        return rows.map { row in
            let name = row["name"].text ?? ""
            let columnType = (row["column_type"].text ?? "").lowercased()
            let isJSON = row["data_type"].text == "json" || checks.contains("json_valid(`\(name)`)")
            let type = isJSON ? .json : Self.columnType(columnType)
            let generation = Self.generation(row)
            return ColumnDescription(
                name: name, dataType: columnType, type: type, isNullable: row["nullable"].text == "YES",
                defaultValue: ColumnDefault.normalized(standardDefault(of: row), type: type),
                isPrimaryKey: row["column_key"].text == "PRI", generation: generation, isAutoIncrement: generation == "auto_increment"
            )
        }
    }

    /// `auto_increment`, `on update current_timestamp()`, `stored generated (expression)`
    /// from `EXTRA`; MySQL 8's `DEFAULT_GENERATED` (an expression default) is no generation.
    static func generation(_ row: DatabaseRow) -> String? {
        let extra = (row["extra"].text ?? "").lowercased().replacing("default_generated", with: "").trimmingCharacters(in: .whitespaces)
        guard !extra.isEmpty else { return nil }
        if extra.hasSuffix("generated"), let expression = row["generation_expression"].text, !expression.isEmpty {
            return "\(extra) (\(expression))"
        }
        return extra
    }

    /// A column's default as `information_schema.COLUMNS` reports it, in the spelling
    /// ``ColumnDefault/normalized(_:type:)`` reads: `current_timestamp(6)` →
    /// `CURRENT_TIMESTAMP`, and a literal quoted. MariaDB quotes literals itself; MySQL
    /// reports them bare (`active`, `0`) and marks an expression with `DEFAULT_GENERATED`
    /// in `EXTRA`.
    func standardDefault(of row: DatabaseRow) -> String? {
        guard let text = row["column_default"].text else { return nil }
        let lowered = text.lowercased()
        if lowered == "current_timestamp" || lowered.hasPrefix("current_timestamp(") { return "CURRENT_TIMESTAMP" }
        let isExpression = (row["extra"].text ?? "").lowercased().contains("default_generated")
        guard !flavor.quotesLiteralDefaults, !isExpression else { return text }
        let isNumeric = Self.numericDataTypes.contains((row["data_type"].text ?? "").lowercased())
        return isNumeric ? text : "'" + text.replacing("'", with: "''") + "'"
    }

    /// The data types whose literal defaults MySQL reports as numbers.
    static let numericDataTypes: Set<String> = ["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "bit", "year"]

    /// The ``ColumnType`` of a MySQL column type, the inverse of ``typeName(of:table:)``.
    static func columnType(_ type: String) -> ColumnType? {
        func arguments(_ prefix: String) -> [Int]? {
            guard type.hasPrefix(prefix + "("), type.hasSuffix(")") else { return nil }
            return type.dropFirst(prefix.count + 1).dropLast().split(separator: ",").compactMap { Int($0) }
        }
        if type.hasPrefix("enum(") { return .enumeration(typeName: nil, values: enumValues(type)) }
        if let length = arguments("varchar")?.first { return .string(length: length) }
        if let size = arguments("decimal"), size.count == 2 { return .decimal(precision: size[0], scale: size[1]) }
        switch type {
        case "int", "int(11)": return .integer
        case "bigint", "bigint(20)": return .bigint
        case "text", "mediumtext", "longtext": return .text
        case "tinyint(1)": return .bool
        case "date": return .date
        case "datetime": return .datetime
        case "datetime(6)": return .timestampWithTimeZone
        case "float": return .float
        case "double": return .double
        case "char(36)", "uuid": return .uuid
        case "json": return .json
        case "blob", "mediumblob", "longblob": return .binary
        default: return nil
        }
    }

    /// The values of `enum('a','b')`.
    static func enumValues(_ type: String) -> [String] {
        SQLStringList.values(in: type.dropFirst("enum(".count), backslashEscapes: true)
    }

    /// From `information_schema.STATISTICS`, without the primary key and the indexes MySQL
    /// adds for foreign keys (which other databases do not have).
    public func indexes(of table: String, in database: any DatabaseConnection) async throws -> [IndexDescription] {
        let foreignKeys = Set(try await foreignKeys(of: table, column: nil, in: database))
        let rows = try await database.query(
            "SELECT INDEX_NAME AS name, CASE WHEN NON_UNIQUE = 0 THEN 1 ELSE 0 END AS is_unique, \(indexedPart) AS column_name "
                + "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' "
                + "ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            [.text(table)]
        )
        return IndexDescription.grouping(rows).filter { !foreignKeys.contains($0.name) }
    }
}

extension MySQLDialect {
    /// The `Schema` API on MySQL/MariaDB.
    public var schemaDialect: (any SchemaDialect)? { MySQLSchemaDialect(flavor: flavor) }
}
