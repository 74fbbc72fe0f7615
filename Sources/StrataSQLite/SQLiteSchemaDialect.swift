import Foundation
import Strata

/// The `Schema` API on SQLite. Types are declared by name (SQLite keeps the declared
/// name and derives an affinity from it), enumerations are `TEXT` with a `CHECK`, and what
/// `ALTER TABLE` cannot do — change a column, add or drop a constraint, add a column that
/// needs a rebuild — runs as SQLite's documented table rebuild
/// (<https://sqlite.org/lang_altertable.html#otheralter>).
public struct SQLiteSchemaDialect: SchemaDialect {
    /// Creates the dialect.
    public init() {}

    /// SQLite's quoting.
    public var sqlDialect: any SQLDialect { SQLiteDialect() }

    /// Partial indexes; no constraint changes through `ALTER TABLE`.
    public var features: SchemaFeatures { [.partialIndexes] }

    /// The declared type: `VARCHAR(255)`, `BOOLEAN`, `TIMESTAMPTZ`, …; an enumeration is
    /// `TEXT CHECK ("column" IN (...))`.
    public func typeName(of column: Column, table: String) -> String {
        switch column.type {
        case .integer: "INTEGER"
        case .bigint: "BIGINT"
        case .string(let length): "VARCHAR(\(length))"
        case .text: "TEXT"
        case .bool: "BOOLEAN"
        case .date: "DATE"
        case .datetime: "DATETIME"
        case .timestampWithTimeZone: "TIMESTAMPTZ"
        case .decimal(let precision, let scale): "DECIMAL(\(precision),\(scale))"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .uuid: "UUID"
        case .json: "JSON"
        case .binary: "BLOB"
        case .enumeration(_, let values):
            "TEXT CHECK (\(sqlDialect.quoteIdentifier(column.name)) IN (\(values.map(stringLiteral).joined(separator: ", "))))"
        }
    }

    /// The ``ColumnType`` of a declared type, the inverse of ``typeName(of:table:)``.
    static func columnType(declared: String, definition: String?) -> ColumnType? {
        let upper = declared.uppercased()
        if upper == "TEXT", let values = definition.flatMap(SQLiteTableSQL.enumerationValues) {
            return .enumeration(typeName: nil, values: values)
        }
        if let size = sizes(upper, prefix: "VARCHAR"), size.count == 1 { return .string(length: size[0]) }
        if let size = sizes(upper, prefix: "DECIMAL"), size.count == 2 { return .decimal(precision: size[0], scale: size[1]) }
        switch upper {
        case "INTEGER", "INT": return .integer
        case "BIGINT": return .bigint
        case "TEXT": return .text
        case "BOOLEAN": return .bool
        case "DATE": return .date
        case "DATETIME": return .datetime
        case "TIMESTAMPTZ": return .timestampWithTimeZone
        case "FLOAT", "REAL": return .float
        case "DOUBLE": return .double
        case "UUID": return .uuid
        case "JSON": return .json
        case "BLOB": return .binary
        default: return nil
        }
    }

    private static func sizes(_ type: String, prefix: String) -> [Int]? {
        guard type.hasPrefix(prefix + "("), type.hasSuffix(")") else { return nil }
        return type.dropFirst(prefix.count + 1).dropLast().split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// `"id" INTEGER PRIMARY KEY AUTOINCREMENT`, whatever the integer's size: only that
    /// exact type makes the column SQLite's rowid.
    public func autoIncrementColumn(_ column: Column, table: String) -> String {
        sqlDialect.autoIncrementPrimaryKey(named: column.name)
    }

    /// What `ALTER TABLE` can do directly; the rest as a table rebuild.
    public func statements(for change: SchemaChange, in context: SchemaContext) async throws -> [SQLStatement] {
        let rebuild = SQLiteTableRebuild(dialect: self, context: context)
        switch change {
        case .changeColumn(let column, let table):
            return try await rebuild.changeColumn(column, in: table)
        case .addEnumValue(let value, let column, let table):
            return try await rebuild.addEnumValue(value, to: column, in: table)
        case .removeColumn(let column, let table, let ifExists):
            if ifExists, try await !columns(of: table, in: context.database).contains(where: { $0.name == column }) { return [] }
            return try await rebuild.removeColumn(column, from: table)
        case .addForeignKey(let key, let table):
            return try await rebuild.addItem(SchemaSQL(self).foreignKeyClause(key, table: table), to: table, change: change)
        case .addCheck(let check, let table):
            return try await rebuild.addItem(SchemaSQL(self).checkClause(check), to: table, change: change)
        case .removeForeignKey(let name, let table, let ifExists), .removeCheck(let name, let table, let ifExists):
            return try await rebuild.removeConstraint(name, from: table, ifExists: ifExists, change: change)
        case .addColumn(let column, let table, let ifNotExists) where Self.needsRebuild(column):
            if ifNotExists, try await columns(of: table, in: context.database).contains(where: { $0.name == column.name }) { return [] }
            return try await rebuild.addColumn(column, to: table)
        default:
            return try await commonStatements(for: change, in: context)
        }
    }

    /// Whether SQLite's `ADD COLUMN` refuses `column`: a primary key, a foreign key (kept a
    /// named table constraint here), `NOT NULL` without a default, or a default that is not
    /// a constant (<https://sqlite.org/lang_altertable.html#altertabaddcol>).
    static func needsRebuild(_ column: Column) -> Bool {
        if column.isPrimaryKey || column.reference != nil { return true }
        if !column.isNullable, column.defaultValue == nil { return true }
        switch column.defaultValue {
        case .currentTimestamp, .expression: return true
        default: return false
        }
    }

    /// SQLite's own tables and Strata's (`strata_…`) are left out.
    public func tables(in database: any DatabaseConnection) async throws -> [String] {
        try await database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                + "AND name NOT LIKE 'strata\\_%' ESCAPE '\\' ORDER BY name", []
        ).compactMap { $0["name"].text }
    }

    /// From `pragma_table_xinfo`, with enumerations read from the table's SQL.
    public func columns(of table: String, in database: any DatabaseConnection) async throws -> [ColumnDescription] {
        let definitions = try await tableSQL(table, in: database)?.items ?? []
        let rows = try await database.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", [.text(table)])
        return rows.map { row in
            let name = row["name"].text ?? ""
            let declared = row["type"].text ?? ""
            let definition = definitions.first { SQLiteTableSQL.columnName($0) == name }
            let type = Self.columnType(declared: declared, definition: definition)
            let isPrimaryKey = (row["pk"].integer ?? 0) > 0
            let generation = Self.generation(hidden: row["hidden"].integer ?? 0, definition: definition)
            return ColumnDescription(
                // `int` and `integer` are one type (as on the other engines); SQLite keeps the spelling.
                name: name, dataType: declared.lowercased() == "int" ? "integer" : declared.lowercased(), type: type,
                // A rowid alias (INTEGER PRIMARY KEY) is never NULL, whatever the pragma says.
                isNullable: row["notnull"].integer == 0 && !(isPrimaryKey && declared.uppercased() == "INTEGER"),
                defaultValue: ColumnDefault.normalized(row["dflt_value"].text, type: type), isPrimaryKey: isPrimaryKey,
                generation: generation, isAutoIncrement: generation == "autoincrement"
            )
        }
    }

    /// `autoincrement` for an `AUTOINCREMENT` key, `virtual generated` or `stored generated`
    /// for a generated column (`hidden` 2 or 3 in `pragma_table_xinfo`).
    static func generation(hidden: Int64, definition: String?) -> String? {
        switch hidden {
        case 2: return "virtual generated"
        case 3: return "stored generated"
        default:
            let words = definition.map { SQLiteTableSQL.tokens($0).map { $0.uppercased() } } ?? []
            return words.contains("AUTOINCREMENT") ? "autoincrement" : nil
        }
    }

    /// From `pragma_index_list`, without the primary key's index.
    public func indexes(of table: String, in database: any DatabaseConnection) async throws -> [IndexDescription] {
        let list = try await database.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY name", [.text(table)])
        var indexes: [IndexDescription] = []
        for row in list where row["origin"].text != "pk" {
            guard let name = row["name"].text else { continue }
            let columns = try await database.query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(name)])
            let sql = row["partial"].integer == 1 || columns.contains { $0["name"].text == nil }
                ? try await database.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [.text(name)]).first?["sql"].text
                : nil
            indexes.append(IndexDescription(
                name: name,
                // SQLite names no indexed expression; it is marked, so that it is not taken for a column.
                columns: columns.map { $0["name"].text ?? "(expression)" },
                isUnique: row["unique"].integer == 1,
                predicate: row["partial"].integer == 1 ? sql.flatMap(Self.indexPredicate) : nil
            ))
        }
        return indexes
    }

    /// The condition of a partial index's `CREATE INDEX … WHERE condition`, white space folded.
    static func indexPredicate(_ sql: String) -> String? {
        guard let range = sql.range(of: " where ", options: [.caseInsensitive, .backwards]) else { return nil }
        return sql[range.upperBound...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Table constraints as written in each table's SQL (SQLite keeps no catalog of them),
    /// foreign keys from `pragma_foreign_key_list`, and views and triggers as written.
    public func catalogObjects(in database: any DatabaseConnection) async throws -> [SchemaSnapshot.Object] {
        var objects: [SchemaSnapshot.Object] = []
        for table in try await tables(in: database) {
            for item in try await tableSQL(table, in: database)?.items ?? [] {
                if SQLiteTableSQL.isConstraint(item) {
                    objects.append(.init(.constraint, "\(table).\(Self.constraintName(item))", SQLiteTableSQL.normalized(item)))
                } else if let column = SQLiteTableSQL.columnName(item), let check = Self.columnCheck(item) {
                    // A column's own CHECK (an enumeration's values) is a constraint too.
                    objects.append(.init(.constraint, "\(table).\(column) check", SQLiteTableSQL.normalized(check)))
                }
            }
            let references = try await database.query(
                "SELECT id, \"from\", \"table\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", [.text(table)]
            )
            for key in Dictionary(grouping: references, by: { $0["id"].integer ?? 0 }).sorted(by: { $0.key < $1.key }).map(\.value) {
                let from = key.compactMap { $0["from"].text }.joined(separator: ", ")
                let to = key.compactMap { $0["to"].text }.joined(separator: ", ")
                let parent = key.first?["table"].text ?? ""
                let actions = "ON UPDATE \(key.first?["on_update"].text ?? "") ON DELETE \(key.first?["on_delete"].text ?? "")"
                objects.append(.init(.constraint, "\(table).foreign key (\(from))", "FOREIGN KEY (\(from)) REFERENCES \(parent) (\(to)) \(actions)"))
            }
        }
        let others = try await database.query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND name NOT LIKE 'strata\\_%' ESCAPE '\\' "
                + "AND tbl_name NOT LIKE 'strata\\_%' ESCAPE '\\' ORDER BY type, name", []
        )
        for row in others {
            guard let name = row["name"].text, let sql = row["sql"].text else { continue }
            if row["type"].text == "view" {
                objects.append(.init(.view, name, sql))
            } else {
                objects.append(.init(.trigger, "\(row["tbl_name"].text ?? "").\(name)", sql))
            }
        }
        return objects
    }

    /// `CHECK (…)` of a column definition, outside quotes, with its parentheses balanced.
    static func columnCheck(_ item: String) -> String? {
        let characters = Array(item)
        var quote: Character?
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if index + 5 <= characters.count, String(characters[index..<index + 5]).uppercased() == "CHECK",
                      index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "_") {
                var end = index + 5
                var depth = 0
                var inQuote = false
                while end < characters.count {
                    if characters[end] == "'" { inQuote.toggle() }
                    if !inQuote, characters[end] == "(" { depth += 1 }
                    if !inQuote, characters[end] == ")" {
                        depth -= 1
                        if depth == 0 { return String(characters[index...end]) }
                    }
                    end += 1
                }
                return nil
            }
            index += 1
        }
        return nil
    }

    /// A table constraint's name: the one after `CONSTRAINT`, else its own text.
    private static func constraintName(_ item: String) -> String {
        let tokens = SQLiteTableSQL.tokens(item)
        if tokens.first?.uppercased() == "CONSTRAINT", tokens.count > 1 { return tokens[1] }
        return SQLiteTableSQL.normalized(item)
    }

    /// The table's `CREATE TABLE` statement, split.
    func tableSQL(_ table: String, in database: any DatabaseConnection) async throws -> SQLiteTableSQL? {
        let rows = try await database.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)])
        return rows.first?["sql"].text.flatMap(SQLiteTableSQL.init)
    }

    /// Whether `changes` may rebuild a table: a rebuild drops the old table,
    /// which with foreign keys enforced would delete (or cascade to) the rows referencing it.
    public func defersForeignKeys(for changes: [SchemaChange]) -> Bool {
        changes.contains { change in
            switch change {
            case .changeColumn, .addEnumValue, .removeColumn, .addForeignKey, .addCheck, .removeForeignKey, .removeCheck: true
            case .addColumn(let column, _, _): Self.needsRebuild(column)
            default: false
            }
        }
    }
}

extension SQLiteDialect {
    /// The `Schema` API on SQLite.
    public var schemaDialect: (any SchemaDialect)? { SQLiteSchemaDialect() }
}
