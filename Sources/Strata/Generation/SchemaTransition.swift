import Foundation

/// The statements that turn one schema into another, in a safe order: what `strata
/// generate --from-schema` writes as a migration's up section (the schema the migrations
/// build → the declared one) and, the other way round, as its down section.
///
/// It works from the ``SchemaSnapshot/differences(from:)`` of the two snapshots — the one
/// diff that `verify` and drift checks use — and leaves each statement's SQL to the
/// dialect (``SchemaDialect/creationStatements(for:in:)`` and its siblings), which reads it
/// from the database where the object is as wanted. The order:
///
/// 1. views and triggers that go or change are removed, while what they use is still there;
/// 2. types and sequences are created or changed (a PostgreSQL enum's new value is added);
/// 3. existing tables lose constraints and indexes, and have columns renamed, added,
///    changed and dropped;
/// 4. new tables are created, those referenced before those that reference them;
/// 5. existing tables gain their new constraints and indexes;
/// 6. tables that go are dropped, those that reference others first, then types and
///    sequences;
/// 7. functions, views and triggers are created.
///
/// A column dropped and another of the same type added in one table is never taken for a
/// rename on a guess: unless ``DeclaredSchema/ColumnRename`` marks it, it is a drop and an
/// add, with a note naming the possible rename.
public struct SchemaTransition: Sendable {
    /// A part of the plan: a comment for people, its statements, and what it is about.
    public struct Step: Sendable, Hashable {
        /// What the step does, or a warning (a possible rename) when it has no statement.
        public var comment: String
        /// Its statements, without terminators.
        public var statements: [String]
        /// What the statements do, for writers that say it otherwise (`generate --swift`).
        public var subject: Subject

        /// Creates a step.
        public init(_ comment: String, _ statements: [String], subject: Subject = .note) {
            self.comment = comment
            self.statements = statements
            self.subject = subject
        }
    }

    /// What a ``Step`` does, in terms of the snapshots' objects.
    public enum Subject: Sendable, Hashable {
        /// Nothing: a note for people.
        case note
        /// Creates the object as it is in the target schema (a table with its columns,
        /// indexes and constraints).
        case create(SchemaSnapshot.Object)
        /// Removes the object as it is in the source schema.
        case remove(SchemaSnapshot.Object)
        /// Replaces a type, sequence or function of the source schema with the target's.
        case replace(SchemaSnapshot.Object, with: SchemaSnapshot.Object)
        /// The first half of a table's alteration: constraints and indexes removed, columns
        /// renamed, added, changed and dropped.
        case alterBeforeNewTables(TableAlteration)
        /// The second half: indexes and constraints added.
        case alterAfterNewTables(TableAlteration)
    }

    /// The schema as it is.
    public var source: SchemaSnapshot
    /// The schema as it should become.
    public var target: SchemaSnapshot
    /// Columns renamed from `source` to `target`.
    public var renames: [DeclaredSchema.ColumnRename]
    /// How the note of a possible rename tells people to mark it, e.g. "mark it in
    /// db/model.sql: `full_name … -- strata:renamed-from name`".
    public var renameAdvice: @Sendable (DeclaredSchema.ColumnRename) -> String

    /// Creates a transition from `source` to `target`.
    public init(
        from source: SchemaSnapshot, to target: SchemaSnapshot, renames: [DeclaredSchema.ColumnRename],
        renameAdvice: @escaping @Sendable (DeclaredSchema.ColumnRename) -> String
    ) {
        self.source = source
        self.target = target
        self.renames = renames
        self.renameAdvice = renameAdvice
    }

    /// The steps, rendered by `dialect`, which reads the objects as they are from
    /// `sourceDatabase` (holding ``source``) and as they should be from `targetDatabase`
    /// (holding ``target``). Empty when the snapshots are equal.
    /// - Throws: ``StrataError`` for a change the dialect cannot write.
    public func steps(
        _ dialect: any SchemaDialect, from sourceDatabase: any DatabaseConnection, to targetDatabase: any DatabaseConnection
    ) async throws -> [Step] {
        let differences = target.differences(from: source)
        let added = differences.compactMap { if case .onlyHere(let object) = $0 { object } else { nil } }
        let removed = differences.compactMap { if case .onlyInReference(let object) = $0 { object } else { nil } }
        let changed = differences.compactMap { if case .changed(let new, let old) = $0 { (old: old, new: new) } else { nil } }

        let createdTables = Set(added.filter { $0.kind == .table }.map(\.name))
        let droppedTables = Set(removed.filter { $0.kind == .table }.map(\.name))
        // What belongs to a table created or dropped comes or goes with it.
        let standalone = { (object: SchemaSnapshot.Object) -> Bool in
            guard let table = Self.table(of: object) else { return true }
            return !createdTables.contains(table) && !droppedTables.contains(table)
        }

        var steps: [Step] = []
        func step(_ comment: String, _ statements: [String], _ subject: Subject) {
            if !statements.isEmpty { steps.append(Step(comment, statements, subject: subject)) }
        }
        func removal(_ object: SchemaSnapshot.Object, verb: String = "Drop") async throws {
            step("\(verb) \(object.kind.rawValue) \(object.name)", try await dialect.removalStatements(for: object, in: sourceDatabase), .remove(object))
        }
        func creation(_ object: SchemaSnapshot.Object, verb: String = "Create") async throws {
            step("\(verb) \(object.kind.rawValue) \(object.name)", try await dialect.creationStatements(for: object, in: targetDatabase), .create(object))
        }

        // Views over a table that changes are made again around the change: no engine alters
        // a column a view uses, and SQLite cannot rename a rebuilt table a view names.
        let alterations = alterations(added: added, removed: removed, changed: changed, keptTables: Set(target.objects(.table).map(\.name)).subtracting(createdTables))
        let alteredTables = Set(alterations.map(\.table))
        let unchangedViews = target.objects(.view).filter { view in
            !changed.contains { $0.new.kind == .view && $0.new.name == view.name } && !added.contains(view)
                && !view.definition.hasPrefix("materialized ") && alteredTables.contains { Self.mentions(view.definition, $0) }
        }
        let remadeViews = unchangedViews.compactMap { view in source.objects(.view).first { $0.name == view.name }.map { (old: $0, new: view) } }

        // 1. Views and triggers that go or change, while what they use is there.
        for object in removed where object.kind == .view { try await removal(object) }
        for pair in changed where pair.old.kind == .view { try await removal(pair.old, verb: "Drop, to create again,") }
        for pair in remadeViews { try await removal(pair.old, verb: "Drop, to create again after its table changes,") }
        for object in removed where object.kind == .trigger && standalone(object) { try await removal(object) }
        for pair in changed where pair.old.kind == .trigger && standalone(pair.old) { try await removal(pair.old, verb: "Drop, to create again,") }

        // 2. Types and sequences, before the columns that use them.
        for object in added where object.kind == .type || object.kind == .sequence { try await creation(object) }
        for pair in changed where pair.old.kind == .type || pair.old.kind == .sequence {
            step("Change \(pair.old.kind.rawValue) \(pair.old.name)",
                 try await dialect.replacementStatements(of: pair.old, with: pair.new, from: sourceDatabase, to: targetDatabase),
                 .replace(pair.old, with: pair.new))
        }

        // 3 and 5. Existing tables, in two halves around the new tables.
        var later: [(String, [String], Subject)] = []
        for alteration in alterations {
            // A note without statements, before the drop and the add it warns about.
            for rename in possibleRenames(in: alteration) {
                steps.append(Step(
                    "Possibly a rename of \(alteration.table).\(rename.from) to \(rename.to) (same type), written as a drop and an add, "
                        + "which loses the column's values. If it is a rename, \(renameAdvice(rename)).",
                    []
                ))
            }
            let rendered = try await dialect.alterationStatements(for: alteration, from: sourceDatabase, to: targetDatabase)
            step("Alter table \(alteration.table)", rendered.beforeNewTables, .alterBeforeNewTables(alteration))
            later.append(("Add the new indexes and constraints of table \(alteration.table)", rendered.afterNewTables, .alterAfterNewTables(alteration)))
        }

        // 4. New tables, those referenced first.
        for table in target.tablesReferencingFirst.reversed() where createdTables.contains(table) {
            try await creation(SchemaSnapshot.Object(.table, table))
        }
        for (comment, statements, subject) in later { step(comment, statements, subject) }

        // 6. Tables that go, those referencing others first; then types and sequences.
        for table in source.tablesReferencingFirst where droppedTables.contains(table) {
            try await removal(SchemaSnapshot.Object(.table, table))
        }
        for object in removed where object.kind == .type || object.kind == .sequence || object.kind == .function { try await removal(object) }

        // 7. Functions, views and triggers.
        for object in added where object.kind == .function { try await creation(object) }
        for pair in changed where pair.old.kind == .function {
            step("Replace function \(pair.old.name)",
                 try await dialect.replacementStatements(of: pair.old, with: pair.new, from: sourceDatabase, to: targetDatabase),
                 .replace(pair.old, with: pair.new))
        }
        for object in added where object.kind == .view { try await creation(object) }
        for pair in changed where pair.new.kind == .view { try await creation(pair.new, verb: "Create again") }
        for pair in remadeViews { try await creation(pair.new, verb: "Create again") }
        for object in added where object.kind == .trigger && standalone(object) { try await creation(object) }
        for pair in changed where pair.new.kind == .trigger && standalone(pair.new) { try await creation(pair.new, verb: "Create again") }
        return steps
    }

    /// The changes of each table in both snapshots, by table name.
    private func alterations(
        added: [SchemaSnapshot.Object], removed: [SchemaSnapshot.Object],
        changed: [(old: SchemaSnapshot.Object, new: SchemaSnapshot.Object)], keptTables: Set<String>
    ) -> [TableAlteration] {
        var byTable: [String: TableAlteration] = [:]
        func edit(_ table: String, _ change: (inout TableAlteration) -> Void) {
            var alteration = byTable[table] ?? TableAlteration(table: table)
            change(&alteration)
            byTable[table] = alteration
        }
        var renamedAway = Set<String>()
        var renamedTo = Set<String>()
        for rename in renames where keptTables.contains(rename.table) {
            let from = "\(rename.table).\(rename.from)"
            let to = "\(rename.table).\(rename.to)"
            guard removed.contains(where: { $0.kind == .column && $0.name == from }),
                  let new = added.first(where: { $0.kind == .column && $0.name == to }),
                  let old = removed.first(where: { $0.kind == .column && $0.name == from }) else { continue }
            renamedAway.insert(from)
            renamedTo.insert(to)
            edit(rename.table) { alteration in
                alteration.renamedColumns.append(rename)
                if old.definition != new.definition { alteration.changedColumns.append(rename.to) }
            }
        }
        for object in added where keptTables.contains(Self.table(of: object) ?? "") {
            guard let (table, name) = Self.split(object.name) else { continue }
            switch object.kind {
            case .column where !renamedTo.contains(object.name): edit(table) { $0.addedColumns.append(name) }
            case .index: edit(table) { $0.addedIndexes.append(name) }
            case .constraint: edit(table) { $0.addedConstraints.append(name) }
            default: break
            }
        }
        for object in removed where keptTables.contains(Self.table(of: object) ?? "") {
            guard let (table, name) = Self.split(object.name) else { continue }
            switch object.kind {
            case .column where !renamedAway.contains(object.name): edit(table) { $0.droppedColumns.append(name) }
            case .index: edit(table) { $0.droppedIndexes.append(name) }
            case .constraint: edit(table) { $0.droppedConstraints.append(name) }
            default: break
            }
        }
        for pair in changed where keptTables.contains(Self.table(of: pair.new) ?? "") {
            guard let (table, name) = Self.split(pair.new.name) else { continue }
            switch pair.new.kind {
            case .column: edit(table) { $0.changedColumns.append(name) }
            case .index:
                edit(table) {
                    $0.droppedIndexes.append(name)
                    $0.addedIndexes.append(name)
                }
            case .constraint:
                edit(table) {
                    $0.droppedConstraints.append(name)
                    $0.addedConstraints.append(name)
                }
            default: break
            }
        }
        // Added columns in the declared order.
        let order = Dictionary(target.objects(.column).enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return byTable.keys.sorted().compactMap { table in
            guard var alteration = byTable[table] else { return nil }
            alteration.addedColumns.sort { (order["\(table).\($0)"] ?? 0) < (order["\(table).\($1)"] ?? 0) }
            return alteration
        }
    }

    /// Whether `definition` names `table` as a word (quoted or not, in any case).
    static func mentions(_ definition: String, _ table: String) -> Bool {
        let words = definition.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }
        return words.contains(Substring(table.lowercased()))
    }

    /// Columns dropped and added in one table with the same type: perhaps renames.
    private func possibleRenames(in alteration: TableAlteration) -> [DeclaredSchema.ColumnRename] {
        let type = { (snapshot: SchemaSnapshot, column: String) -> String? in
            snapshot.objects(.column).first { $0.name == "\(alteration.table).\(column)" }.map { Self.columnType($0.definition) }
        }
        var renames: [DeclaredSchema.ColumnRename] = []
        for dropped in alteration.droppedColumns {
            for added in alteration.addedColumns where type(source, dropped) == type(target, added) {
                renames.append(DeclaredSchema.ColumnRename(table: alteration.table, from: dropped, to: added))
            }
        }
        return renames
    }

    /// The type of a snapshot column definition (`varchar(255) not null default 'x'` →
    /// `varchar(255)`).
    static func columnType(_ definition: String) -> String {
        var end = definition.endIndex
        for marker in [" not null", " default ", " primary key"] {
            if let range = definition.range(of: marker), range.lowerBound < end { end = range.lowerBound }
        }
        return String(definition[..<end])
    }

    /// The table an object of a table (`users.email`) belongs to.
    static func table(of object: SchemaSnapshot.Object) -> String? {
        switch object.kind {
        case .column, .index, .constraint, .trigger: split(object.name)?.table
        default: nil
        }
    }

    private static func split(_ name: String) -> (table: String, name: String)? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }
}

/// What changes in a table that is in both schemas of a ``SchemaTransition``: the names of
/// its columns, indexes and constraints (without the table's) that come, go or change.
public struct TableAlteration: Sendable, Hashable {
    /// The table.
    public var table: String
    /// Columns renamed; a renamed column whose definition changes too is also in ``changedColumns`` (by its new name).
    public var renamedColumns: [DeclaredSchema.ColumnRename] = []
    /// Columns added, in the order of the schema wanted.
    public var addedColumns: [String] = []
    /// Columns whose type, nullability or default changes.
    public var changedColumns: [String] = []
    /// Columns dropped.
    public var droppedColumns: [String] = []
    /// Indexes created (a changed index is dropped and created).
    public var addedIndexes: [String] = []
    /// Indexes dropped.
    public var droppedIndexes: [String] = []
    /// Constraints added (a changed constraint is dropped and added).
    public var addedConstraints: [String] = []
    /// Constraints dropped.
    public var droppedConstraints: [String] = []

    /// An alteration of `table` that changes nothing yet.
    public init(table: String) {
        self.table = table
    }

    /// The name `column` (of the schema wanted) has in the schema as it is.
    public func sourceName(of column: String) -> String {
        renamedColumns.first { $0.to == column }?.from ?? column
    }
}

/// A ``TableAlteration`` as statements, in two halves: ``beforeNewTables`` removes, renames,
/// adds and changes; ``afterNewTables`` adds the indexes and constraints, which may refer to
/// tables created in between.
public struct TableAlterationStatements: Sendable, Hashable {
    /// Run before the new tables are created.
    public var beforeNewTables: [String]
    /// Run after them.
    public var afterNewTables: [String]

    /// Creates the two halves.
    public init(beforeNewTables: [String], afterNewTables: [String]) {
        self.beforeNewTables = beforeNewTables
        self.afterNewTables = afterNewTables
    }
}
