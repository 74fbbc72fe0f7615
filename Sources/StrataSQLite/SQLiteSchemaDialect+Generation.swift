import Strata

/// Migrations written from the declared schema, on SQLite: tables, indexes, views and
/// triggers are written as SQLite keeps them (`sqlite_master.sql`). What `ALTER TABLE`
/// cannot do — change or drop a column, add or drop a constraint, add a column SQLite's
/// `ADD COLUMN` refuses — is a table rebuild (<https://sqlite.org/lang_altertable.html#otheralter>):
/// the table as declared is created beside the old one, the rows copied, the old table
/// dropped and the copy renamed. The section then needs foreign keys deferred, which
/// `sectionOptions(for:)` asks for.
extension SQLiteSchemaDialect {
    public func creationStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        switch object.kind {
        case .table:
            let table = try await masterSQL(type: "table", name: object.name, in: database)
            let indexes = try await database.query(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", [.text(object.name)]
            ).compactMap { $0["sql"].text }
            return table.map { [$0] + indexes } ?? []
        case .index:
            return try await masterSQL(type: "index", name: unqualifiedName(of: object), in: database).map { [$0] } ?? []
        case .view:
            return try await masterSQL(type: "view", name: object.name, in: database).map { [$0] } ?? []
        case .trigger:
            return try await masterSQL(type: "trigger", name: unqualifiedName(of: object), in: database).map { [$0] } ?? []
        case .column, .constraint:
            throw cannotWrite(object, dialect: "sqlite", why: "SQLite writes it with its table, in a rebuild")
        case .type, .sequence, .function, .statement:
            throw cannotWrite(object, dialect: "sqlite", why: "SQLite has no such object")
        }
    }

    public func removalStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        switch object.kind {
        case .index:
            // An index SQLite made for a UNIQUE constraint goes with the constraint.
            let own = try await masterSQL(type: "index", name: unqualifiedName(of: object), in: database) != nil
            return own ? ["DROP INDEX \(quote(unqualifiedName(of: object)))"] : []
        case .trigger:
            return ["DROP TRIGGER \(quote(unqualifiedName(of: object)))"]
        default:
            return dropStatement(for: object).map { [$0] } ?? []
        }
    }

    public func alterationStatements(
        for alteration: TableAlteration, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> TableAlterationStatements {
        let table = quote(alteration.table)
        var before: [String] = []
        for rename in alteration.renamedColumns {
            before.append("ALTER TABLE \(table) RENAME COLUMN \(quote(rename.from)) TO \(quote(rename.to))")
        }
        guard let declared = try await masterSQL(type: "table", name: alteration.table, in: target).flatMap(SQLiteTableSQL.init) else {
            return TableAlterationStatements(beforeNewTables: before, afterNewTables: [])
        }
        let wanted = try await columns(of: alteration.table, in: target)
        let addable = try alteration.addedColumns.allSatisfy { name in
            guard let column = wanted.first(where: { $0.name == name }) else { return false }
            return try Self.addsInPlace(column, item: declared.items.first { SQLiteTableSQL.columnName($0) == name })
        }
        let inPlace = addable && alteration.changedColumns.isEmpty && alteration.droppedColumns.isEmpty
            && alteration.addedConstraints.isEmpty && alteration.droppedConstraints.isEmpty
        guard inPlace else {
            return TableAlterationStatements(
                beforeNewTables: before + (try await rebuild(alteration, declared: declared, from: source, to: target)), afterNewTables: []
            )
        }
        for name in alteration.droppedIndexes {
            before += try await removalStatements(for: .init(.index, "\(alteration.table).\(name)"), in: source)
        }
        for name in alteration.addedColumns {
            guard let item = declared.items.first(where: { SQLiteTableSQL.columnName($0) == name }) else { continue }
            before.append("ALTER TABLE \(table) ADD COLUMN \(item)")
        }
        var after: [String] = []
        for name in alteration.addedIndexes {
            after += try await creationStatements(for: .init(.index, "\(alteration.table).\(name)"), in: target)
        }
        return TableAlterationStatements(beforeNewTables: before, afterNewTables: after)
    }

    /// `foreign_keys:deferred` for a section that rebuilds a table (it drops one).
    public func sectionOptions(for statements: [String]) -> [String] {
        statements.contains { $0.hasPrefix("DROP TABLE ") } ? ["foreign_keys:deferred"] : []
    }

    /// Whether `ADD COLUMN` takes the column: not a key, not `NOT NULL` without a default, a
    /// constant default (<https://sqlite.org/lang_altertable.html#altertabaddcol>).
    private static func addsInPlace(_ column: ColumnDescription, item: String?) throws -> Bool {
        guard let item, !column.isPrimaryKey else { return false }
        let words = Set(SQLiteTableSQL.tokens(item).map { $0.uppercased() })
        if !words.isDisjoint(with: ["PRIMARY", "UNIQUE", "REFERENCES", "GENERATED", "AS"]) { return false }
        if !column.isNullable, column.defaultValue == nil { return false }
        switch column.defaultValue {
        case .currentTimestamp, .expression: return false
        default: return true
        }
    }

    /// The table made again as declared, its rows copied over, its indexes made again, and
    /// the triggers that do not change made again (the others are handled as triggers).
    private func rebuild(
        _ alteration: TableAlteration, declared: SQLiteTableSQL, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> [String] {
        // The columns as they are, by the names they will have.
        var existing: [String: ColumnDescription] = [:]
        for column in try await columns(of: alteration.table, in: source) {
            existing[alteration.renamedColumns.first { $0.from == column.name }?.to ?? column.name] = column
        }
        let wanted = try await database(target, defaultsOf: alteration.table)
        let copied = declared.items.compactMap(SQLiteTableSQL.columnName).filter { existing[$0] != nil }
        // A column made NOT NULL takes its new default where it was NULL.
        let values = copied.map { name in
            guard existing[name]?.isNullable == true, let (notNull, value) = wanted[name], notNull, let value else { return quote(name) }
            return "COALESCE(\(quote(name)), \(value))"
        }
        let table = quote(alteration.table)
        let copy = quote("strata_rebuild_\(alteration.table)")
        var statements = [
            "CREATE TABLE \(copy) (\n\(declared.items.map { "    " + $0 }.joined(separator: ",\n"))\n)\(declared.options)",
            "INSERT INTO \(copy) (\(copied.map(quote).joined(separator: ", "))) SELECT \(values.joined(separator: ", ")) FROM \(table)",
            "DROP TABLE \(table)",
            "ALTER TABLE \(copy) RENAME TO \(table)",
        ]
        statements += try await database(target, objectsOf: alteration.table, type: "index").map(\.sql)
        let before = Set(try await database(source, objectsOf: alteration.table, type: "trigger").map(\.sql))
        statements += try await database(target, objectsOf: alteration.table, type: "trigger").map(\.sql).filter(before.contains)
        return statements
    }

    /// Each column's `NOT NULL` and default as written.
    private func database(_ database: any DatabaseConnection, defaultsOf table: String) async throws -> [String: (Bool, String?)] {
        var defaults: [String: (Bool, String?)] = [:]
        for row in try await database.query("SELECT name, \"notnull\", dflt_value FROM pragma_table_xinfo(?)", [.text(table)]) {
            defaults[row["name"].text ?? ""] = (row["notnull"].integer == 1, row["dflt_value"].text)
        }
        return defaults
    }

    private func database(_ database: any DatabaseConnection, objectsOf table: String, type: String) async throws -> [(name: String, sql: String)] {
        try await database.query(
            "SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", [.text(type), .text(table)]
        ).compactMap { row in row["sql"].text.map { (row["name"].text ?? "", $0) } }
    }

    private func masterSQL(type: String, name: String, in database: any DatabaseConnection) async throws -> String? {
        try await database.query("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?", [.text(type), .text(name)]).first?["sql"].text
    }

    private func quote(_ name: String) -> String { sqlDialect.quoteIdentifier(name) }
}
