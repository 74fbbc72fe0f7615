import Foundation
import Strata

/// Migrations written from the declared schema, on MySQL/MariaDB: tables, columns, indexes
/// and constraints are written as the server itself shows them (`SHOW CREATE TABLE`, one
/// line each), views and triggers from `information_schema`.
extension MySQLSchemaDialect {
    public func creationStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        switch object.kind {
        case .table:
            return try await createTable(object.name, in: database).map { [$0.text] } ?? []
        case .view:
            // As the catalog writes it, not the snapshot's (whose white space is folded).
            let rows = try await database.query(
                "SELECT REPLACE(VIEW_DEFINITION, CONCAT('`', DATABASE(), '`.'), '') AS definition FROM information_schema.VIEWS "
                    + "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", [.text(object.name)]
            )
            guard let query = rows.first?["definition"].text else { return [] }
            return ["CREATE VIEW \(quote(object.name)) AS \(query)"]
        case .trigger:
            let rows = try await database.query(
                "SELECT ACTION_TIMING AS timing, EVENT_MANIPULATION AS event, REPLACE(ACTION_STATEMENT, CONCAT('`', DATABASE(), '`.'), '') AS statement "
                    + "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = ?", [.text(unqualifiedName(of: object))]
            )
            guard let row = rows.first, let timing = row["timing"].text, let event = row["event"].text, let statement = row["statement"].text else { return [] }
            return ["CREATE TRIGGER \(quote(unqualifiedName(of: object))) \(timing) \(event) ON \(quote(tableName(of: object))) FOR EACH ROW \(statement)"]
        case .column, .index, .constraint:
            guard let line = try await createTable(tableName(of: object), in: database)?.line(of: object.kind, named: unqualifiedName(of: object)) else { return [] }
            return ["ALTER TABLE \(quote(tableName(of: object))) ADD \(object.kind == .column ? "COLUMN " : "")\(line)"]
        case .function, .type, .sequence, .statement:
            throw cannotWrite(object, dialect: "mysql", why: "routines, types and sequences are not written yet")
        }
    }

    public func alterationStatements(
        for alteration: TableAlteration, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> TableAlterationStatements {
        guard let existing = try await createTable(alteration.table, in: source), let wanted = try await createTable(alteration.table, in: target) else {
            return TableAlterationStatements(beforeNewTables: [], afterNewTables: [])
        }
        return alterationStatements(for: alteration, existing: existing, wanted: wanted)
    }

    /// The statements that turn the table `existing` into `wanted`, both as
    /// `SHOW CREATE TABLE` shows them, each line copied as the server wrote it.
    func alterationStatements(for alteration: TableAlteration, existing: ShownTable, wanted: ShownTable) -> TableAlterationStatements {
        let table = quote(alteration.table)
        var before: [String] = []
        for name in alteration.droppedConstraints {
            let line = existing.line(of: .constraint, named: name) ?? ""
            if line.contains(" FOREIGN KEY ") {
                before.append("ALTER TABLE \(table) DROP FOREIGN KEY \(quote(name))")
                // The index the server made for the foreign key stays unless dropped too.
                if existing.line(of: .index, named: name) != nil, wanted.line(of: .index, named: name) == nil, !alteration.addedConstraints.contains(name) {
                    before.append("ALTER TABLE \(table) DROP INDEX \(quote(name))")
                }
            } else {
                before.append("ALTER TABLE \(table) DROP \(flavor.checkDropKeyword) \(quote(name))")
            }
        }
        for name in alteration.droppedIndexes {
            before.append("ALTER TABLE \(table) DROP INDEX \(quote(name))")
        }
        for rename in alteration.renamedColumns {
            before.append("ALTER TABLE \(table) RENAME COLUMN \(quote(rename.from)) TO \(quote(rename.to))")
        }
        for name in alteration.addedColumns {
            guard let line = wanted.line(of: .column, named: name) else { continue }
            before.append("ALTER TABLE \(table) ADD COLUMN \(line)")
        }
        for name in alteration.changedColumns {
            guard let line = wanted.line(of: .column, named: name) else { continue }
            // Rows without a value take the new default before NULL is refused.
            if let old = existing.line(of: .column, named: alteration.sourceName(of: name)), !old.contains(" NOT NULL"), line.contains(" NOT NULL"),
               let value = Self.defaultValue(in: line) {
                before.append("UPDATE \(table) SET \(quote(alteration.sourceName(of: name))) = \(value) WHERE \(quote(alteration.sourceName(of: name))) IS NULL")
            }
            before.append("ALTER TABLE \(table) MODIFY COLUMN \(line)")
        }
        for name in alteration.droppedColumns {
            before.append("ALTER TABLE \(table) DROP COLUMN \(quote(name))")
        }
        var after: [String] = []
        for name in alteration.addedIndexes {
            if let line = wanted.line(of: .index, named: name) { after.append("ALTER TABLE \(table) ADD \(line)") }
        }
        for name in alteration.addedConstraints {
            if let line = wanted.line(of: .constraint, named: name) { after.append("ALTER TABLE \(table) ADD \(line)") }
        }
        return TableAlterationStatements(beforeNewTables: before, afterNewTables: after)
    }

    /// The value after ` DEFAULT ` in a column's line: a quoted literal, a parenthesized
    /// expression (MySQL 8 writes `DEFAULT (uuid())`), or a word with any call's arguments
    /// (MariaDB writes `DEFAULT concat('a', 'b')`). `nil` for none or `NULL`.
    static func defaultValue(in line: String) -> String? {
        guard let range = line.range(of: " DEFAULT ") else { return nil }
        let rest = Array(line[range.upperBound...])
        var depth = 0
        var quote: Character?
        var index = 0
        while index < rest.count {
            let character = rest[index]
            if let open = quote {
                if character == "\\" {
                    index += 1 // the escaped character
                } else if character == open {
                    if index + 1 < rest.count, rest[index + 1] == open { index += 1 } else { quote = nil }
                }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == " " || character == ",", depth == 0 {
                break
            }
            index += 1
        }
        guard quote == nil, depth == 0 else { return nil }
        let value = String(rest[..<min(index, rest.count)])
        return value.isEmpty || value == "NULL" ? nil : value
    }

    /// `SHOW CREATE TABLE`, without the table's next `AUTO_INCREMENT` value.
    func createTable(_ table: String, in database: any DatabaseConnection) async throws -> ShownTable? {
        let rows = try await database.query("SHOW CREATE TABLE \(quote(table))", [])
        guard let text = rows.first?["Create Table"].text else { return nil }
        let cleaned = text.replacing(/\ AUTO_INCREMENT=\d+/, with: "")
        return ShownTable(text: cleaned)
    }

    /// A table as `SHOW CREATE TABLE` shows it: a line per column, index and constraint.
    struct ShownTable {
        /// The statement's text.
        let text: String

        /// The line defining a column, index or constraint called `name`, without its comma.
        func line(of kind: SchemaSnapshot.Kind, named name: String) -> String? {
            let quoted = "`" + name.replacing("`", with: "``") + "`"
            for raw in text.split(separator: "\n").dropFirst() {
                var line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasSuffix(",") { line.removeLast() }
                switch kind {
                case .column where line.hasPrefix(quoted + " "):
                    return line
                case .index:
                    for prefix in ["KEY ", "UNIQUE KEY ", "FULLTEXT KEY ", "SPATIAL KEY "] where line.hasPrefix(prefix + quoted + " ") {
                        return line
                    }
                case .constraint where line.hasPrefix("CONSTRAINT " + quoted + " "):
                    return line
                default:
                    continue
                }
            }
            return nil
        }
    }
}
