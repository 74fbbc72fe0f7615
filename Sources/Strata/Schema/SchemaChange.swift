/// One change made through the ``Schema`` API, before any dialect renders it.
///
/// Changes are what a Swift migration's checksum is computed from, so that editing an
/// applied migration is detected while a newer Strata rendering different SQL is not.
public enum SchemaChange: Sendable, Hashable, Codable {
    /// `createTable`.
    case createTable(TableDefinition, ifNotExists: Bool)
    /// `dropTable`.
    case dropTable(String, ifExists: Bool)
    /// `renameTable`.
    case renameTable(String, to: String)
    /// `addColumn`.
    case addColumn(Column, table: String, ifNotExists: Bool)
    /// `removeColumn`.
    case removeColumn(String, table: String, ifExists: Bool)
    /// `renameColumn`.
    case renameColumn(String, to: String, table: String)
    /// `changeColumn`: the column's new type, nullability and default.
    case changeColumn(Column, table: String)
    /// `addIndex`.
    case addIndex(Index, concurrently: Bool, ifNotExists: Bool)
    /// `removeIndex`.
    case removeIndex(String, table: String, concurrently: Bool, ifExists: Bool)
    /// `addForeignKey`.
    case addForeignKey(ForeignKey, table: String)
    /// `removeForeignKey`.
    case removeForeignKey(String, table: String, ifExists: Bool)
    /// `addCheck`.
    case addCheck(Check, table: String)
    /// `removeCheck`.
    case removeCheck(String, table: String, ifExists: Bool)
    /// `addEnumValue`.
    case addEnumValue(String, column: String, table: String)
    /// `execute`: SQL with bound values and quoted names.
    case sql(SQLText)

    /// The operation's name in the ``Schema`` API, for messages, e.g. `changeColumn`.
    public var operation: String {
        switch self {
        case .createTable: "createTable"
        case .dropTable: "dropTable"
        case .renameTable: "renameTable"
        case .addColumn: "addColumn"
        case .removeColumn: "removeColumn"
        case .renameColumn: "renameColumn"
        case .changeColumn: "changeColumn"
        case .addIndex: "addIndex"
        case .removeIndex: "removeIndex"
        case .addForeignKey: "addForeignKey"
        case .removeForeignKey: "removeForeignKey"
        case .addCheck: "addCheck"
        case .removeCheck: "removeCheck"
        case .addEnumValue: "addEnumValue"
        case .sql: "execute"
        }
    }

    /// A one-line description for dry runs and logs, e.g. `addColumn users.status`.
    public var summary: String {
        switch self {
        case .createTable(let table, _): "createTable \(table.name)"
        case .dropTable(let table, _): "dropTable \(table)"
        case .renameTable(let from, let to): "renameTable \(from) to \(to)"
        case .addColumn(let column, let table, _): "addColumn \(table).\(column.name)"
        case .removeColumn(let column, let table, _): "removeColumn \(table).\(column)"
        case .renameColumn(let from, let to, let table): "renameColumn \(table).\(from) to \(to)"
        case .changeColumn(let column, let table): "changeColumn \(table).\(column.name)"
        case .addIndex(let index, _, _): "addIndex \(index.name) on \(index.table)"
        case .removeIndex(let name, let table, _, _): "removeIndex \(name) on \(table)"
        case .addForeignKey(let key, let table): "addForeignKey \(key.constraintName(on: table)) on \(table)"
        case .removeForeignKey(let name, let table, _): "removeForeignKey \(name) on \(table)"
        case .addCheck(let check, let table): "addCheck \(check.name) on \(table)"
        case .removeCheck(let name, let table, _): "removeCheck \(name) on \(table)"
        case .addEnumValue(let value, let column, let table): "addEnumValue '\(value)' to \(table).\(column)"
        case .sql(let text): "execute \(SQLStatement(text: text.parts.map(\.summary).joined(), line: 0).excerpt)"
        }
    }
}



extension SQLText.Part {
    /// The part as it reads in a summary: binds as `?`.
    var summary: String {
        switch self {
        case .sql(let sql): sql
        case .identifier(let name): name
        case .bind: "?"
        }
    }
}
