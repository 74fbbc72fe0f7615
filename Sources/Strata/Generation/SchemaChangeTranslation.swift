/// The steps of a ``SchemaTransition`` said in the ``Schema`` API's terms, for `strata
/// generate --from-schema --swift`: a table created, dropped or altered becomes
/// `createTable`, `dropTable`, `addColumn`, `changeColumn`, `addIndex`, `addForeignKey` …,
/// read from the two databases through the dialect's own introspection.
///
/// A step the API cannot say exactly — a view, a trigger, a function, a PostgreSQL enum
/// type's new value, a column filled by an expression, an index of expressions, a
/// constraint other than a foreign key or a check — is `nil`, and the writer keeps its SQL
/// (`schema.execute`). What is said is
/// not trusted either: ``ModelComparison`` applies it to a scratch database and keeps the
/// SQL of any step whose changes do not make the schema wanted.
struct SchemaChangeTranslation {
    let dialect: any SchemaDialect
    let source: (snapshot: SchemaSnapshot, database: any DatabaseConnection)
    let target: (snapshot: SchemaSnapshot, database: any DatabaseConnection)

    /// The steps as changes, each `nil` where its SQL is kept; the steps numbered in
    /// `keepingSQL` keep it whatever.
    func changes(for steps: [SchemaTransition.Step], keepingSQL: Set<Int>) async throws -> [[SchemaChange]?] {
        var translated: [[SchemaChange]?] = []
        for (number, step) in steps.enumerated() {
            if keepingSQL.contains(number) {
                translated.append(nil)
            } else {
                translated.append(try await changes(for: step, after: translated.compactMap { $0 }.flatMap { $0 }))
            }
        }
        return translated
    }

    /// One step as changes, knowing the changes made before it; `nil` where the API cannot say it.
    private func changes(for step: SchemaTransition.Step, after earlier: [SchemaChange]) async throws -> [SchemaChange]? {
        switch step.subject {
        case .note:
            return []
        case .create(let object) where object.kind == .table:
            return try await creation(ofTable: object.name)
        case .remove(let object) where object.kind == .table:
            return [.dropTable(object.name, ifExists: false)]
        case .remove(let object) where object.kind == .type:
            // The API drops an enumeration's type with the last column that uses it.
            return try await enumerationTypeGoes(object.name, with: earlier) ? [] : nil
        case .alterBeforeNewTables(let alteration):
            return try await firstHalf(of: alteration)
        case .alterAfterNewTables(let alteration):
            return try await secondHalf(of: alteration)
        default:
            return nil
        }
    }

    // MARK: Tables

    private func creation(ofTable table: String) async throws -> [SchemaChange]? {
        let descriptions = try await dialect.columns(of: table, in: target.database)
        let keyColumns = descriptions.filter(\.isPrimaryKey).map(\.name)
        var definition = TableDefinition(name: table)
        for description in descriptions {
            guard var column = Self.column(description) else { return nil }
            if keyColumns.count == 1, description.isPrimaryKey {
                column = column.primaryKey()
                column.isAutoIncrement = description.isAutoIncrement
            } else if description.isAutoIncrement {
                return nil
            }
            definition.columns.append(column)
        }
        if keyColumns.count > 1 { definition.primaryKey = keyColumns }
        let constraints = constraints(of: table, in: target.snapshot)
        let twins = Self.unnamedTwins(constraints.map(\.name), of: table, in: target.snapshot)
        for constraint in constraints where !twins.contains(constraint.name) {
            switch ConstraintDefinition(constraint.definition) {
            case .foreignKey(let columns, let referenced, let referencedColumns, let onDelete, let onUpdate):
                definition.foreignKeys.append(ForeignKey(
                    columns, references: referenced, referencedColumns, onDelete: onDelete, onUpdate: onUpdate, name: Self.givenName(constraint.name)
                ))
            case .check(let expression):
                // An enumeration's own check comes with its column.
                if Self.isEnumerationCheck(expression, in: definition.columns) { continue }
                definition.checks.append(Check(constraint.name, expression))
            case nil:
                // A unique constraint is its unique index, below; anything else cannot be said.
                guard try await isUniqueIndex(constraint.name, of: table) else { return nil }
            }
        }
        var later: [SchemaChange] = []
        for index in try await dialect.indexes(of: table, in: target.database) {
            guard let made = Self.index(index, of: table) else { return nil }
            if made.isUnique, made.predicate == nil {
                definition.uniqueIndexes.append(made)
            } else {
                later.append(.addIndex(made, concurrently: false, ifNotExists: false))
            }
        }
        return [.createTable(definition, ifNotExists: false)] + later
    }

    /// Constraints dropped, indexes dropped, columns renamed, added, changed and dropped.
    private func firstHalf(of alteration: TableAlteration) async throws -> [SchemaChange]? {
        let table = alteration.table
        let wanted = try await dialect.columns(of: table, in: target.database)
        let existing = try await dialect.columns(of: table, in: source.database)
        // An enumeration's own check (SQLite's) changes with its column.
        var changedColumns = alteration.changedColumns
        for column in enumerationChecks(alteration.droppedConstraints, of: table, in: source.snapshot, columns: existing)
            + enumerationChecks(alteration.addedConstraints, of: table, in: target.snapshot, columns: wanted)
        where !changedColumns.contains(column) && wanted.contains(where: { $0.name == column }) {
            changedColumns.append(column)
        }
        var changes: [SchemaChange] = []
        let droppedTwins = Self.unnamedTwins(alteration.droppedConstraints, of: table, in: source.snapshot)
        for name in alteration.droppedConstraints where !droppedTwins.contains(name) {
            guard let constraint = source.snapshot.objects(.constraint).first(where: { $0.name == "\(table).\(name)" }) else { return nil }
            let definition = ConstraintDefinition(constraint.definition)
            if case .check(let expression) = definition, Self.isEnumerationCheck(expression, in: existing.compactMap(Self.column)) { continue }
            guard let givenName = Self.givenName(name) else { return nil }
            switch definition {
            case .foreignKey: changes.append(.removeForeignKey(givenName, table: table, ifExists: false))
            case .check: changes.append(.removeCheck(givenName, table: table, ifExists: false))
            case nil: return nil
            }
        }
        for name in alteration.droppedIndexes {
            changes.append(.removeIndex(name, table: table, concurrently: false, ifExists: false))
        }
        for rename in alteration.renamedColumns {
            changes.append(.renameColumn(rename.from, to: rename.to, table: table))
        }
        for name in alteration.addedColumns {
            guard let description = wanted.first(where: { $0.name == name }), !description.isPrimaryKey, !description.isAutoIncrement,
                  let column = Self.column(description) else { return nil }
            changes.append(.addColumn(column, table: table, ifNotExists: false))
        }
        for name in changedColumns {
            guard let new = wanted.first(where: { $0.name == name }),
                  let old = existing.first(where: { $0.name == alteration.sourceName(of: name) }),
                  new.isPrimaryKey == old.isPrimaryKey, new.generation == old.generation,
                  let column = Self.column(new) else { return nil }
            // Rows without a value get the new default before the column refuses NULL, as
            // the SQL migration does.
            if old.isNullable, !column.isNullable, let value = column.defaultValue {
                changes.append(.sql(fill(column.name, of: table, with: value, column: column)))
            }
            changes.append(.changeColumn(column, table: table))
        }
        for name in alteration.droppedColumns {
            changes.append(.removeColumn(name, table: table, ifExists: false))
        }
        return changes
    }

    /// Indexes and constraints added.
    private func secondHalf(of alteration: TableAlteration) async throws -> [SchemaChange]? {
        let table = alteration.table
        var changes: [SchemaChange] = []
        let wanted = try await dialect.columns(of: table, in: target.database).compactMap(Self.column)
        let indexes = try await dialect.indexes(of: table, in: target.database)
        for name in alteration.addedIndexes {
            guard let index = indexes.first(where: { $0.name == name }).flatMap({ Self.index($0, of: table) }) else { return nil }
            changes.append(.addIndex(index, concurrently: false, ifNotExists: false))
        }
        let addedTwins = Self.unnamedTwins(alteration.addedConstraints, of: table, in: target.snapshot)
        for name in alteration.addedConstraints where !addedTwins.contains(name) {
            guard let constraint = target.snapshot.objects(.constraint).first(where: { $0.name == "\(table).\(name)" }) else { return nil }
            let definition = ConstraintDefinition(constraint.definition)
            // An enumeration's own check came with its column, in the first half.
            if case .check(let expression) = definition, Self.isEnumerationCheck(expression, in: wanted) { continue }
            guard let givenName = Self.givenName(name) else { return nil }
            switch definition {
            case .foreignKey(let columns, let referenced, let referencedColumns, let onDelete, let onUpdate):
                let key = ForeignKey(columns, references: referenced, referencedColumns, onDelete: onDelete, onUpdate: onUpdate, name: givenName)
                changes.append(.addForeignKey(key, table: table))
            case .check(let expression):
                changes.append(.addCheck(Check(givenName, expression), table: table))
            case nil:
                return nil
            }
        }
        return changes
    }

    // MARK: Pieces

    /// The column as the API declares it, or `nil` when its type has no ``ColumnType`` or
    /// the database fills it by other means than numbering rows.
    static func column(_ description: ColumnDescription) -> Column? {
        guard let type = description.type else { return nil }
        guard description.generation == nil || description.isAutoIncrement else { return nil }
        var column = Column(description.name, type)
        column.isNullable = description.isNullable
        column.defaultValue = description.defaultValue
        return column
    }

    /// The index as the API makes it, or `nil` for an index of expressions.
    static func index(_ description: IndexDescription, of table: String) -> Index? {
        guard !description.columns.contains(where: { $0.contains("(") || $0.contains(" ") }) else { return nil }
        return Index(table: table, columns: description.columns, name: description.name, isUnique: description.isUnique, predicate: description.predicate)
    }

    /// The constraint objects of `table`, with their names without the table's.
    private func constraints(of table: String, in snapshot: SchemaSnapshot) -> [(name: String, definition: String)] {
        snapshot.objects(.constraint).compactMap { object in
            guard object.name.hasPrefix("\(table).") else { return nil }
            return (String(object.name.dropFirst(table.count + 1)), object.definition)
        }
    }

    private func isUniqueIndex(_ name: String, of table: String) async throws -> Bool {
        try await dialect.indexes(of: table, in: target.database).contains { $0.name == name && $0.isUnique }
    }

    /// A constraint's name as written in the schema, or `nil` for one the database names
    /// after its content (SQLite's unnamed `foreign key (a)`).
    static func givenName(_ name: String) -> String? {
        name.contains(" ") ? nil : name
    }

    /// Among `names` (constraints of `table`), the unnamed foreign keys — SQLite lists each
    /// key once more under its columns — that a named one among them is the same key as.
    static func unnamedTwins(_ names: [String], of table: String, in snapshot: SchemaSnapshot) -> Set<String> {
        let keys = names.compactMap { name -> (name: String, columns: [String], table: String, referenced: [String])? in
            guard let object = snapshot.objects(.constraint).first(where: { $0.name == "\(table).\(name)" }),
                  case .foreignKey(let columns, let referencedTable, let referenced, _, _) = ConstraintDefinition(object.definition) else { return nil }
            return (name, columns, referencedTable, referenced)
        }
        let named = keys.filter { givenName($0.name) != nil }
        return Set(keys.filter { key in
            givenName(key.name) == nil
                && named.contains { $0.columns == key.columns && $0.table.lowercased() == key.table.lowercased() && $0.referenced == key.referenced }
        }.map(\.name))
    }

    /// Whether `expression` is the `column IN (values)` check of one of `columns`' enumerations.
    static func isEnumerationCheck(_ expression: String, in columns: [Column]) -> Bool {
        columns.contains { column in
            guard let values = column.type.enumValues else { return false }
            let folded = expression.filter { !$0.isWhitespace && $0 != "\"" && $0 != "`" && $0 != "(" && $0 != ")" }.lowercased()
            let expected = (column.name + "in" + values.map { "'\($0.replacing("'", with: "''"))'" }.joined(separator: ",")).lowercased()
            return folded == expected
        }
    }

    /// The columns whose enumeration's own check is among `constraints` of `table`.
    private func enumerationChecks(_ constraints: [String], of table: String, in snapshot: SchemaSnapshot, columns: [ColumnDescription]) -> [String] {
        let declared = columns.compactMap(Self.column)
        return constraints.compactMap { name in
            guard let object = snapshot.objects(.constraint).first(where: { $0.name == "\(table).\(name)" }),
                  case .check(let expression) = ConstraintDefinition(object.definition) else { return nil }
            return declared.first { Self.isEnumerationCheck(expression, in: [$0]) }?.name
        }
    }

    /// Whether an enumeration type that goes is dropped by the changes before: every column
    /// that uses it is removed, changed or dropped with its table.
    private func enumerationTypeGoes(_ type: String, with earlier: [SchemaChange]) async throws -> Bool {
        var users: [(table: String, column: String)] = []
        for table in source.snapshot.objects(.table).map(\.name) {
            for column in try await dialect.columns(of: table, in: source.database) {
                guard case .enumeration(let given, _) = column.type else { continue }
                if (given ?? SchemaNaming.enumTypeName(table: table, column: column.name)) == type { users.append((table, column.name)) }
            }
        }
        return !users.isEmpty && users.allSatisfy { user in
            earlier.contains { change in
                switch change {
                case .dropTable(let table, _): table == user.table
                case .removeColumn(let column, let table, _): table == user.table && column == user.column
                case .changeColumn(let column, let table): table == user.table && column.name == user.column
                default: false
                }
            }
        }
    }

    /// `UPDATE table SET column = value WHERE column IS NULL`.
    private func fill(_ name: String, of table: String, with value: ColumnDefault, column: Column) -> SQLText {
        var text = SQLText(stringLiteral: "UPDATE ")
        text.parts += [
            .identifier(table), .sql(" SET "), .identifier(name), .sql(" = \(dialect.defaultExpression(value, for: column)) WHERE "),
            .identifier(name), .sql(" IS NULL"),
        ]
        return text
    }
}
