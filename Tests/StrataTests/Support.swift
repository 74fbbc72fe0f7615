import Foundation
import Strata

/// A deliberately odd dialect, so that SQL hard-coded in core cannot pass the tests:
/// identifiers are quoted with two backticks, placeholders are `:pN`, types are invented.
struct OddDialect: SQLDialect {
    var name: String { "odd" }
    var syntax: SQLSyntax { .standard }
    var supportsTransactionalDDL: Bool { true }
    var keyedTableOptions: String { " ODD_OPTIONS" }
    func quoteIdentifier(_ identifier: String) -> String { "``\(identifier)``" }
    func bindPlaceholder(at position: Int) -> String { ":p\(position)" }
    func columnType(for kind: ColumnKind) -> String {
        switch kind {
        case .string(let length): "ODDSTRING<\(length)>"
        case .text: "ODDTEXT"
        case .bigint: "ODDBIG"
        case .timestamp: "ODDTIME"
        }
    }
    func autoIncrementPrimaryKey(named name: String) -> String { "\(quoteIdentifier(name)) AWWTOEINCREMENT" }
    func columnExistsQuery(table: String, column: String) -> String? { "ODD_HAS_COLUMN(\(table), \(column))" }
}

/// The odd dialect where columns can be added with IF NOT EXISTS.
struct OddDialectWithIfNotExists: SQLDialect {
    let base = OddDialect()
    var name: String { "odd2" }
    var syntax: SQLSyntax { .standard }
    var supportsTransactionalDDL: Bool { false }
    var keyedTableOptions: String { "" }
    func quoteIdentifier(_ identifier: String) -> String { base.quoteIdentifier(identifier) }
    func bindPlaceholder(at position: Int) -> String { base.bindPlaceholder(at: position) }
    func columnType(for kind: ColumnKind) -> String { base.columnType(for: kind) }
    func autoIncrementPrimaryKey(named name: String) -> String { base.autoIncrementPrimaryKey(named: name) }
    func columnExistsQuery(table: String, column: String) -> String? { nil }
}

func migration(_ version: String, _ name: String, checksum: String = "c", down: Bool = true) -> LoadedMigration {
    let id = MigrationID(version: MigrationVersion(version)!, name: name)
    return LoadedMigration(
        id: id, checksum: checksum, source: "db/migrations/\(id).sql",
        up: MigrationBody(statements: [SQLStatement(text: "SELECT 1", line: 2)]),
        down: down ? MigrationBody(statements: []) : nil
    )
}

func record(_ version: String, _ name: String, checksum: String = "c") -> HistoryRecord {
    HistoryRecord(version: MigrationVersion(version)!, name: name, checksum: checksum,
                  appliedAt: Date(timeIntervalSince1970: 1_700_000_000), executionMilliseconds: 3)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-unit-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The odd dialect's ``SchemaDialect``: invented type names, its own literal quoting, and a
/// mixed set of features, so that SQL hard-coded for a real database cannot pass.
struct OddSchemaDialect: SchemaDialect {
    var sqlDialect: any SQLDialect { OddDialect() }
    var features: SchemaFeatures { [.partialIndexes, .alterTableConstraints, .dropIndexNamesTable] }
    func typeName(of column: Column, table: String) -> String {
        switch column.type {
        case .string(let length): "ODDSTRING<\(length)>"
        case .enumeration(_, let values): "ODDENUM<\(values.joined(separator: "|"))>"
        case .integer: "ODDINT"
        default: "ODD_\(column.type)".uppercased()
        }
    }
    func stringLiteral(_ text: String) -> String { "q{\(text)}" }
    func autoIncrementColumn(_ column: Column, table: String) -> String { "\(sqlDialect.quoteIdentifier(column.name)) ODDSERIAL" }
    func tables(in database: any DatabaseConnection) async throws -> [String] { [] }
    func columns(of table: String, in database: any DatabaseConnection) async throws -> [ColumnDescription] { [] }
    func indexes(of table: String, in database: any DatabaseConnection) async throws -> [IndexDescription] { [] }
    func catalogObjects(in database: any DatabaseConnection) async throws -> [SchemaSnapshot.Object] { [] }
    func creationStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        ["ODDCREATE \(object.kind.rawValue) \(object.name)"]
    }
    func alterationStatements(
        for alteration: TableAlteration, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> TableAlterationStatements {
        TableAlterationStatements(beforeNewTables: ["ODDALTER \(alteration.table)"], afterNewTables: [])
    }
}
