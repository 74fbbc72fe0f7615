import Foundation

/// ``SchemaChange`` values written back as the Swift that records them: the ``Schema`` API
/// call, with each argument left out where it has its default. What `strata generate
/// --from-schema --swift` writes a migration's `up` and `down` with; a test compiles such
/// text and checks that it records the same changes.
public enum SchemaChangeSource {
    /// The statement that records `change`, e.g. `try await schema.addColumn(Column("age", .integer), to: "users")`,
    /// as lines without indentation.
    public static func statement(_ change: SchemaChange) -> [String] {
        switch change {
        case .createTable(let table, let ifNotExists):
            let arguments = [literal(table.name)] + (ifNotExists ? ["ifNotExists: true"] : [])
            return ["try await schema.createTable(\(arguments.joined(separator: ", "))) {"] + indented(tableContent(table)) + ["}"]
        case .dropTable(let table, let ifExists):
            return [call("dropTable", [literal(table)] + flag("ifExists", ifExists))]
        case .renameTable(let from, let to):
            return [call("renameTable", [literal(from), "to: \(literal(to))"])]
        case .addColumn(let column, let table, let ifNotExists):
            return [call("addColumn", [expression(column), "to: \(literal(table))"] + flag("ifNotExists", ifNotExists))]
        case .removeColumn(let column, let table, let ifExists):
            return [call("removeColumn", [literal(column), "from: \(literal(table))"] + flag("ifExists", ifExists))]
        case .renameColumn(let from, let to, let table):
            return [call("renameColumn", [literal(from), "to: \(literal(to))", "in: \(literal(table))"])]
        case .changeColumn(let column, let table):
            return [call("changeColumn", [expression(column), "in: \(literal(table))"])]
        case .addIndex(let index, let concurrently, let ifNotExists):
            var arguments = ["on: \(literal(index.table))", list(index.columns)]
            if index.name != Index(table: index.table, columns: index.columns, isUnique: index.isUnique).name { arguments.append("name: \(literal(index.name))") }
            arguments += flag("unique", index.isUnique)
            if let predicate = index.predicate { arguments.append("where: \(literal(predicate))") }
            return [call("addIndex", arguments + flag("concurrently", concurrently) + flag("ifNotExists", ifNotExists))]
        case .removeIndex(let name, let table, let concurrently, let ifExists):
            return [call("removeIndex", [literal(name), "on: \(literal(table))"] + flag("concurrently", concurrently) + flag("ifExists", ifExists))]
        case .addForeignKey(let key, let table):
            return [call("addForeignKey", [expression(key), "to: \(literal(table))"])]
        case .removeForeignKey(let name, let table, let ifExists):
            return [call("removeForeignKey", [literal(name), "from: \(literal(table))"] + flag("ifExists", ifExists))]
        case .addCheck(let check, let table):
            return [call("addCheck", [expression(check), "to: \(literal(table))"])]
        case .removeCheck(let name, let table, let ifExists):
            return [call("removeCheck", [literal(name), "from: \(literal(table))"] + flag("ifExists", ifExists))]
        case .addEnumValue(let value, let column, let table):
            return [call("addEnumValue", [literal(value), "to: \(literal(column))", "in: \(literal(table))"])]
        case .sql(let text):
            let lines = sqlLiteral(text)
            guard lines.count > 1 else { return ["try await schema.execute(\(lines[0]))"] }
            return ["try await schema.execute("] + indented(lines) + [")"]
        }
    }

    /// `lines` indented by `levels` steps of four spaces; empty lines stay empty (also
    /// inside a multi-line string literal, where they need no indentation).
    public static func indented(_ lines: [String], levels: Int = 1) -> [String] {
        let indentation = String(repeating: "    ", count: levels)
        return lines.map { $0.isEmpty ? $0 : indentation + $0 }
    }

    // MARK: Tables and columns

    /// The lines of a `createTable` body.
    static func tableContent(_ table: TableDefinition) -> [String] {
        var lines = table.columns.map(expression)
        if let key = table.primaryKey { lines.append("PrimaryKey(\(key.map(literal).joined(separator: ", ")))") }
        lines += table.foreignKeys.map(expression)
        lines += table.checks.map(expression)
        for index in table.uniqueIndexes {
            let isDefault = index.name == Index(table: table.name, columns: index.columns, isUnique: true).name
            lines.append("Unique(\((index.columns.map(literal) + (isDefault ? [] : ["name: \(literal(index.name))"])).joined(separator: ", ")))")
        }
        return lines
    }

    /// `Column("name", .type)` with its modifiers.
    static func expression(_ column: Column) -> String {
        var text: String
        // What the expression so far says of NULL: a column accepts it, a primary key does not.
        var acceptsNull = true
        if column.isPrimaryKey, column.isAutoIncrement {
            let arguments = (column.name == "id" ? [] : [literal(column.name)]) + (column.type == .integer ? [] : ["type: \(expression(column.type))"])
            text = "Column.id(\(arguments.joined(separator: ", ")))"
            acceptsNull = false
        } else {
            text = "Column(\(literal(column.name)), \(expression(column.type)))"
            if column.isPrimaryKey {
                text += ".primaryKey()"
                acceptsNull = false
            }
        }
        if acceptsNull != column.isNullable { text += column.isNullable ? ".nullable()" : ".notNull()" }
        if let value = column.defaultValue { text += ".defaults(to: \(expression(value)))" }
        if column.isUnique { text += ".unique()" }
        if let reference = column.reference {
            var arguments = [literal(reference.table)]
            if reference.column != "id" { arguments.append("column: \(literal(reference.column))") }
            if let action = reference.onDelete { arguments.append("onDelete: \(expression(action))") }
            if let action = reference.onUpdate { arguments.append("onUpdate: \(expression(action))") }
            text += ".references(\(arguments.joined(separator: ", ")))"
        }
        if let old = column.renamedFrom { text += ".renamed(from: \(literal(old)))" }
        return text
    }

    static func expression(_ type: ColumnType) -> String {
        switch type {
        case .integer: ".integer"
        case .bigint: ".bigint"
        case .string(let length): ".string(length: \(length))"
        case .text: ".text"
        case .bool: ".bool"
        case .date: ".date"
        case .datetime: ".datetime"
        case .timestampWithTimeZone: ".timestampWithTimeZone"
        case .decimal(let precision, let scale): ".decimal(precision: \(precision), scale: \(scale))"
        case .float: ".float"
        case .double: ".double"
        case .uuid: ".uuid"
        case .json: ".json"
        case .binary: ".binary"
        case .enumeration(let typeName, let values):
            ".enum(\(list(values))\(typeName.map { ", typeName: \(literal($0))" } ?? ""))"
        }
    }

    static func expression(_ value: ColumnDefault) -> String {
        switch value {
        case .string(let text): ".string(\(literal(text)))"
        case .integer(let number): ".integer(\(number))"
        case .double(let number) where number.isFinite: ".double(\(number))"
        case .double(let number): number.isNaN ? ".double(.nan)" : ".double(\(number < 0 ? "-" : "").infinity)"
        case .bool(let flag): ".bool(\(flag))"
        case .currentTimestamp: ".currentTimestamp"
        case .expression(let sql): ".expression(\(literal(sql)))"
        }
    }

    static func expression(_ action: ReferentialAction) -> String {
        switch action {
        case .cascade: ".cascade"
        case .restrict: ".restrict"
        case .setNull: ".setNull"
        case .setDefault: ".setDefault"
        case .noAction: ".noAction"
        }
    }

    static func expression(_ key: ForeignKey) -> String {
        var arguments = [list(key.columns), "references: \(literal(key.referencedTable))"]
        if key.referencedColumns != ["id"] { arguments.append(list(key.referencedColumns)) }
        if let action = key.onDelete { arguments.append("onDelete: \(expression(action))") }
        if let action = key.onUpdate { arguments.append("onUpdate: \(expression(action))") }
        if let name = key.name { arguments.append("name: \(literal(name))") }
        return "ForeignKey(\(arguments.joined(separator: ", ")))"
    }

    static func expression(_ check: Check) -> String {
        "Check(\(literal(check.name)), \(literal(check.expression)))"
    }

    // MARK: Literals

    /// `text` as a Swift string literal.
    static func literal(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// `["a", "b"]`.
    static func list(_ items: [String]) -> String {
        "[" + items.map(literal).joined(separator: ", ") + "]"
    }

    /// A ``SQLText`` as the string literal (one line) or multi-line literal (several) that
    /// builds it, its names and values as interpolations.
    static func sqlLiteral(_ text: SQLText) -> [String] {
        let multiline = text.parts.contains { if case .sql(let sql) = $0 { sql.contains("\n") } else { false } }
        var body = ""
        for part in text.parts {
            switch part {
            case .sql(let sql): body += escaped(sql, multiline: multiline, after: body)
            case .identifier(let name): body += "\\(identifier: \(literal(name)))"
            case .bind(let value): body += "\\(bind: \(expression(value)))"
            }
        }
        guard multiline else { return ["\"" + body + "\""] }
        return ["\"\"\""] + body.components(separatedBy: "\n") + ["\"\"\""]
    }

    static func expression(_ value: DatabaseValue) -> String {
        switch value {
        case .null: "DatabaseValue.null"
        case .integer(let number): "DatabaseValue.integer(\(number))"
        case .double(let number): "DatabaseValue.double(\(number))"
        case .text(let text): "DatabaseValue.text(\(literal(text)))"
        case .timestamp(let date): "DatabaseValue.timestamp(Date(timeIntervalSince1970: \(date.timeIntervalSince1970)))"
        }
    }

    /// `text` escaped for a Swift string literal; in a multi-line one, newlines and quotes
    /// stay (but for three in a row).
    private static func escaped(_ text: String, multiline: Bool = false, after before: String = "") -> String {
        var result = ""
        let previous = String(before.suffix(2))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"" where multiline: result += (previous + result).hasSuffix("\"\"") ? "\\\"" : "\""
            case "\"": result += "\\\""
            case "\n": result += multiline ? "\n" : "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func call(_ operation: String, _ arguments: [String]) -> String {
        "try await schema.\(operation)(\(arguments.joined(separator: ", ")))"
    }

    private static func flag(_ label: String, _ value: Bool) -> [String] {
        value ? ["\(label): true"] : []
    }
}
