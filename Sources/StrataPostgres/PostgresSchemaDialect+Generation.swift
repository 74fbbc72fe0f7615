import Strata

/// Migrations written from the declared schema, on PostgreSQL: every statement is rendered
/// from the catalog of the database where the object is as wanted (`format_type`,
/// `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`), so it is PostgreSQL's own
/// normal form. A `serial` column is written as one, and its sequence comes and goes with it;
/// an enum gains values with `ALTER TYPE … ADD VALUE` and loses them by being made again.
extension PostgresSchemaDialect {
    public func creationStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        switch object.kind {
        case .table:
            return try await createTable(object.name, in: database)
        case .column:
            guard let column = try await catalogColumns(of: tableName(of: object), in: database).first(where: { $0.name == unqualifiedName(of: object) }) else { return [] }
            return ["ALTER TABLE \(quote(tableName(of: object))) ADD COLUMN \(column.definition(quote))"]
        case .index:
            return try await indexDefinitions(of: tableName(of: object), in: database).filter { $0.name == unqualifiedName(of: object) }.map(\.definition)
        case .constraint:
            return ["ALTER TABLE \(quote(tableName(of: object))) ADD CONSTRAINT \(quote(unqualifiedName(of: object))) \(object.definition)"]
        case .view:
            let materialized = object.definition.hasPrefix("materialized ")
            return ["CREATE \(materialized ? "MATERIALIZED " : "")VIEW \(quote(object.name)) AS \(try await rawDefinition(of: object, in: database))"]
        case .trigger, .function:
            return [try await rawDefinition(of: object, in: database)]
        case .type:
            return ["CREATE TYPE \(quote(object.name)) AS ENUM (\(Self.enumLabels(object.definition).map(stringLiteral).joined(separator: ", ")))"]
        case .sequence:
            if try await ownedSequence(object.name, in: database) { return [] }
            return ["CREATE SEQUENCE \(quote(object.name)) \(Self.sequenceOptions(object.definition, cycle: false))"]
        case .statement:
            throw cannotWrite(object, dialect: "postgres", why: "it is a statement of a dump, not an object")
        }
    }

    public func removalStatements(for object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> [String] {
        switch object.kind {
        case .trigger:
            return ["DROP TRIGGER \(quote(unqualifiedName(of: object))) ON \(quote(tableName(of: object)))"]
        case .sequence where try await ownedSequence(object.name, in: database):
            return []
        case .index:
            let own = try await indexDefinitions(of: tableName(of: object), in: database).contains { $0.name == unqualifiedName(of: object) }
            return own ? ["DROP INDEX \(quote(unqualifiedName(of: object)))"] : []
        case .constraint:
            return ["ALTER TABLE \(quote(tableName(of: object))) DROP CONSTRAINT \(quote(unqualifiedName(of: object)))"]
        case .column:
            return ["ALTER TABLE \(quote(tableName(of: object))) DROP COLUMN \(quote(unqualifiedName(of: object)))"]
        default:
            return dropStatement(for: object).map { [$0] } ?? []
        }
    }

    public func replacementStatements(
        of old: SchemaSnapshot.Object, with new: SchemaSnapshot.Object, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> [String] {
        switch new.kind {
        case .type:
            return try await changeEnum(new.name, from: Self.enumLabels(old.definition), to: Self.enumLabels(new.definition), columnsIn: source)
        case .sequence:
            return ["ALTER SEQUENCE \(quote(new.name)) \(Self.sequenceOptions(new.definition, cycle: true))"]
        case .function:
            // CREATE OR REPLACE keeps what depends on it (triggers).
            return [try await rawDefinition(of: new, in: target)]
        default:
            return try await removalStatements(for: old, in: source) + creationStatements(for: new, in: target)
        }
    }

    public func alterationStatements(
        for alteration: TableAlteration, from source: any DatabaseConnection, to target: any DatabaseConnection
    ) async throws -> TableAlterationStatements {
        let table = quote(alteration.table)
        var before: [String] = []
        for name in alteration.droppedConstraints {
            before.append("ALTER TABLE \(table) DROP CONSTRAINT \(quote(name))")
        }
        for name in alteration.droppedIndexes {
            before += try await removalStatements(for: .init(.index, "\(alteration.table).\(name)"), in: source)
        }
        for rename in alteration.renamedColumns {
            before.append("ALTER TABLE \(table) RENAME COLUMN \(quote(rename.from)) TO \(quote(rename.to))")
        }
        let wanted = try await catalogColumns(of: alteration.table, in: target)
        let existing = try await catalogColumns(of: alteration.table, in: source)
        for name in alteration.addedColumns {
            guard let column = wanted.first(where: { $0.name == name }) else { continue }
            before.append("ALTER TABLE \(table) ADD COLUMN \(column.definition(quote))")
        }
        for name in alteration.changedColumns {
            guard let new = wanted.first(where: { $0.name == name }),
                  let old = existing.first(where: { $0.name == alteration.sourceName(of: name) }) else { continue }
            before += columnChange(from: old, to: new, table: table)
        }
        for name in alteration.droppedColumns {
            before.append("ALTER TABLE \(table) DROP COLUMN \(quote(name))")
        }
        var after: [String] = []
        let constraints = try await constraintDefinitions(of: alteration.table, in: target)
        for name in alteration.addedConstraints {
            guard let definition = constraints.first(where: { $0.name == name })?.definition else { continue }
            after.append("ALTER TABLE \(table) ADD CONSTRAINT \(quote(name)) \(definition)")
        }
        let indexes = try await indexDefinitions(of: alteration.table, in: target)
        for name in alteration.addedIndexes {
            after += indexes.filter { $0.name == name }.map(\.definition)
        }
        return TableAlterationStatements(beforeNewTables: before, afterNewTables: after)
    }

    /// A view's query, a trigger's or a function's whole definition, as the catalog writes
    /// it — not the snapshot's, whose white space is folded (also inside string literals).
    private func rawDefinition(of object: SchemaSnapshot.Object, in database: any DatabaseConnection) async throws -> String {
        let unqualified = "quote_ident(current_schema()) || '.'"
        let (sql, binds): (String, [DatabaseValue]) = switch object.kind {
        case .view:
            ("""
             SELECT definition FROM pg_views WHERE schemaname = current_schema() AND viewname = $1
             UNION ALL SELECT definition FROM pg_matviews WHERE schemaname = current_schema() AND matviewname = $1
             """, [.text(object.name)])
        case .trigger:
            ("""
             SELECT replace(pg_get_triggerdef(t.oid), \(unqualified), '') AS definition FROM pg_trigger t JOIN pg_class rel ON rel.oid = t.tgrelid
             WHERE rel.relnamespace = current_schema()::regnamespace AND rel.relname = $1 AND t.tgname = $2
             """, [.text(tableName(of: object)), .text(unqualifiedName(of: object))])
        default:
            ("""
             SELECT replace(pg_get_functiondef(p.oid), \(unqualified), '') AS definition FROM pg_proc p
             WHERE p.pronamespace = current_schema()::regnamespace AND p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')' = $1
             """, [.text(object.name)])
        }
        guard let definition = try await database.query(sql, binds).first?["definition"].text else {
            throw cannotWrite(object, dialect: "postgres", why: "it is not in the catalog of the database read")
        }
        return definition
    }

    // MARK: - Columns

    /// A column as the catalog holds it.
    struct CatalogColumn: Sendable {
        var name: String
        var type: String
        var notNull: Bool
        var defaultExpression: String?
        /// `a` (always), `d` (by default) or empty.
        var identity: String
        /// `s` for a stored generated column, else empty.
        var generated: String
        /// Whether its default draws from a sequence it owns: a `serial`.
        var isSerial: Bool

        /// `"name" type …` as in `CREATE TABLE` and `ADD COLUMN`.
        func definition(_ quote: (String) -> String) -> String {
            if isSerial, let serial = ["integer": "serial", "bigint": "bigserial", "smallint": "smallserial"][type] {
                return "\(quote(name)) \(serial)\(notNull ? " NOT NULL" : "")"
            }
            var text = "\(quote(name)) \(type)"
            if generated == "s", let defaultExpression {
                text += " GENERATED ALWAYS AS (\(defaultExpression)) STORED"
            } else if let identity = identityClause {
                text += " \(identity)"
            } else if let defaultExpression {
                text += " DEFAULT \(defaultExpression)"
            }
            if notNull && identity.isEmpty { text += " NOT NULL" }
            return text
        }

        var identityClause: String? {
            switch identity {
            case "a": "GENERATED ALWAYS AS IDENTITY"
            case "d": "GENERATED BY DEFAULT AS IDENTITY"
            default: nil
            }
        }
    }

    /// The statements changing column `old` into `new`: type, default, nullability, identity.
    private func columnChange(from old: CatalogColumn, to new: CatalogColumn, table: String) -> [String] {
        let column = "ALTER TABLE \(table) ALTER COLUMN \(quote(new.name))"
        var statements: [String] = []
        let defaultChanges = old.defaultExpression != new.defaultExpression && old.generated.isEmpty && new.generated.isEmpty
        if old.generated != new.generated || (old.generated == "s" && old.defaultExpression != new.defaultExpression) {
            // A generated column cannot be altered into another kind: it is dropped and added.
            return ["ALTER TABLE \(table) DROP COLUMN \(quote(new.name))", "ALTER TABLE \(table) ADD COLUMN \(new.definition(quote))"]
        }
        if old.identity != new.identity, !old.identity.isEmpty {
            statements.append("\(column) DROP IDENTITY")
        }
        if defaultChanges, old.defaultExpression != nil, !old.isSerial || !new.isSerial {
            statements.append("\(column) DROP DEFAULT")
        }
        if old.type != new.type {
            statements.append("\(column) TYPE \(new.type) USING \(quote(new.name))::\(new.type)")
        }
        if defaultChanges, let expression = new.defaultExpression {
            statements.append("\(column) SET DEFAULT \(expression)")
        }
        if old.identity != new.identity, let identity = new.identityClause {
            statements.append("\(column) ADD \(identity)")
        }
        if old.notNull != new.notNull, new.identity.isEmpty {
            // Rows without a value take the new default before NULL is refused.
            if new.notNull, let expression = new.defaultExpression {
                statements.append("UPDATE \(table) SET \(quote(new.name)) = \(expression) WHERE \(quote(new.name)) IS NULL")
            }
            statements.append("\(column) \(new.notNull ? "SET" : "DROP") NOT NULL")
        }
        return statements
    }

    private static let relation = "to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1))"

    func catalogColumns(of table: String, in database: any DatabaseConnection) async throws -> [CatalogColumn] {
        let rows = try await database.query(
            """
            SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull::int AS not_null,
                   pg_get_expr(d.adbin, d.adrelid) AS default_expression, a.attidentity::text AS identity, a.attgenerated::text AS generated,
                   pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident($1), a.attname) IS NOT NULL AND a.attidentity = ''
                     AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%' AS serial
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = \(Self.relation) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [.text(table)]
        )
        return rows.map { row in
            CatalogColumn(
                name: row["name"].text ?? "", type: row["type"].text ?? "", notNull: row["not_null"].integer == 1,
                defaultExpression: row["default_expression"].text, identity: row["identity"].text ?? "", generated: row["generated"].text ?? "",
                isSerial: row["serial"].integer == 1 || row["serial"].text == "true"
            )
        }
    }

    // MARK: - Tables, constraints and indexes

    private func createTable(_ table: String, in database: any DatabaseConnection) async throws -> [String] {
        let columns = try await catalogColumns(of: table, in: database).map { "    " + $0.definition(quote) }
        let constraints = try await constraintDefinitions(of: table, in: database).map { "    CONSTRAINT \(quote($0.name)) \($0.definition)" }
        let create = "CREATE TABLE \(quote(table)) (\n\((columns + constraints).joined(separator: ",\n"))\n)"
        return [create] + (try await indexDefinitions(of: table, in: database).map(\.definition))
    }

    /// The table's constraints, its primary key first.
    private func constraintDefinitions(of table: String, in database: any DatabaseConnection) async throws -> [(name: String, definition: String)] {
        try await database.query(
            """
            SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
            WHERE conrelid = \(Self.relation) ORDER BY contype <> 'p', conname
            """, [.text(table)]
        ).map { ($0["name"].text ?? "", $0["definition"].text ?? "") }
    }

    /// The table's indexes that no constraint makes, as `CREATE INDEX` statements.
    private func indexDefinitions(of table: String, in database: any DatabaseConnection) async throws -> [(name: String, definition: String)] {
        try await database.query(
            """
            SELECT c.relname::text AS name,
                   replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(current_schema()) || '.', ' ON ') AS definition
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = \(Self.relation)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
            ORDER BY c.relname
            """, [.text(table)]
        ).map { ($0["name"].text ?? "", $0["definition"].text ?? "") }
    }

    // MARK: - Sequences and enums

    /// Whether a column owns the sequence (`serial`, identity): it comes and goes with it.
    private func ownedSequence(_ name: String, in database: any DatabaseConnection) async throws -> Bool {
        try await !database.query(
            """
            SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
            WHERE s.relname = $1 AND s.relnamespace = current_schema()::regnamespace AND s.relkind = 'S'
              AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            """, [.text(name)]
        ).isEmpty
    }

    /// `AS bigint START WITH 1 …` from a snapshot's `bigint start 1 increment 1 min 1 max N [cycle]`.
    static func sequenceOptions(_ definition: String, cycle alwaysSay: Bool) -> String {
        let words = definition.split(separator: " ").map(String.init)
        let value = { (key: String) in words.firstIndex(of: key).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } }
        var options = ["AS \(words.first ?? "bigint")"]
        if let start = value("start") { options.append("START WITH \(start)") }
        if let increment = value("increment") { options.append("INCREMENT BY \(increment)") }
        if let minimum = value("min") { options.append("MINVALUE \(minimum)") }
        if let maximum = value("max") { options.append("MAXVALUE \(maximum)") }
        if words.last == "cycle" { options.append("CYCLE") } else if alwaysSay { options.append("NO CYCLE") }
        return options.joined(separator: " ")
    }

    /// The labels of a snapshot's `enum ('a', 'it''s')`.
    static func enumLabels(_ definition: String) -> [String] {
        var labels: [String] = []
        let characters = Array(definition)
        var index = 0
        while index < characters.count {
            guard characters[index] == "'" else {
                index += 1
                continue
            }
            var label = ""
            index += 1
            while index < characters.count {
                if characters[index] == "'" {
                    guard index + 1 < characters.count, characters[index + 1] == "'" else { break }
                    label.append("'")
                    index += 2
                    continue
                }
                label.append(characters[index])
                index += 1
            }
            labels.append(label)
            index += 1
        }
        return labels
    }

    /// New values added in place where the old ones keep their order; otherwise the type is
    /// made again and its columns converted through text.
    private func changeEnum(_ name: String, from old: [String], to new: [String], columnsIn source: any DatabaseConnection) async throws -> [String] {
        let kept = new.filter(old.contains)
        if kept == old {
            return new.enumerated().compactMap { index, label in
                guard !old.contains(label) else { return nil }
                if let next = new[(index + 1)...].first(where: old.contains) {
                    return "ALTER TYPE \(quote(name)) ADD VALUE \(stringLiteral(label)) BEFORE \(stringLiteral(next))"
                }
                return "ALTER TYPE \(quote(name)) ADD VALUE \(stringLiteral(label))"
            }
        }
        let retired = quote(name + "__strata_old")
        var statements = [
            "ALTER TYPE \(quote(name)) RENAME TO \(retired)",
            "CREATE TYPE \(quote(name)) AS ENUM (\(new.map(stringLiteral).joined(separator: ", ")))",
        ]
        let users = try await source.query(
            """
            SELECT c.relname::text AS table_name, a.attname::text AS column_name, pg_get_expr(d.adbin, d.adrelid) AS default_expression
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE t.typname = $1 AND t.typnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """, [.text(name)]
        )
        for row in users {
            let column = "ALTER TABLE \(quote(row["table_name"].text ?? "")) ALTER COLUMN \(quote(row["column_name"].text ?? ""))"
            let defaultExpression = row["default_expression"].text
            if defaultExpression != nil { statements.append("\(column) DROP DEFAULT") }
            statements.append("\(column) TYPE \(quote(name)) USING \(quote(row["column_name"].text ?? ""))::text::\(quote(name))")
            if let defaultExpression { statements.append("\(column) SET DEFAULT \(defaultExpression)") }
        }
        statements.append("DROP TYPE \(retired)")
        return statements
    }
}
