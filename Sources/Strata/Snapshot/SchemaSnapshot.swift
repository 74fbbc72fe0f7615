import Foundation
import Logging

/// A database's schema as a set of objects — tables, columns, indexes, constraints, views,
/// triggers, types, sequences and functions — each with a definition as the database
/// itself renders it, so that two snapshots compare object by object.
///
/// A snapshot is read through the dialect's introspection (``SchemaDialect/snapshot(in:)``)
/// and compared with ``differences(from:)``: one concept that drift checks, `verify` and
/// migration generation share. Strata's own bookkeeping tables are never part of it.
public struct SchemaSnapshot: Sendable, Hashable {
    /// What kind of object.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
        case table, column, index, constraint, view, trigger, type, sequence, function
        /// A statement of a schema dump, compared as text where no snapshot of the dump
        /// could be read (a read-only server, which cannot hold a scratch database).
        case statement

        /// In the order of `allCases`: tables before what they hold.
        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
        }
    }

    /// One object.
    public struct Object: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// What it is.
        public var kind: Kind
        /// Its name, qualified by its table where it belongs to one: `users`, `users.email`,
        /// `users.users_email_key`.
        public var name: String
        /// Its definition as the database renders it, with white space folded: e.g.
        /// `varchar(255) not null default 'x'`, `FOREIGN KEY (user_id) REFERENCES users(id)`.
        public var definition: String

        /// Creates an object; `definition`'s runs of white space become single spaces.
        public init(_ kind: Kind, _ name: String, _ definition: String = "") {
            self.kind = kind
            self.name = name
            self.definition = definition.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }

        /// By kind, then name, then definition.
        public static func < (lhs: Object, rhs: Object) -> Bool {
            (lhs.kind, lhs.name, lhs.definition) < (rhs.kind, rhs.name, rhs.definition)
        }

        /// `DROP TABLE "users"` and the like, for views, tables, types, sequences and
        /// functions (whose name holds their arguments); `nil` for what goes with its table.
        public func dropStatement(quoting quote: (String) -> String) -> String? {
            switch kind {
            case .view: return definition.hasPrefix("materialized ") ? "DROP MATERIALIZED VIEW \(quote(name))" : "DROP VIEW \(quote(name))"
            case .table: return "DROP TABLE \(quote(name))"
            case .type: return "DROP TYPE \(quote(name))"
            case .sequence: return "DROP SEQUENCE IF EXISTS \(quote(name))"
            case .function:
                let base = name.prefix { $0 != "(" }
                return "DROP FUNCTION \(quote(String(base)))\(name.dropFirst(base.count))"
            case .column, .index, .constraint, .trigger, .statement: return nil
            }
        }

        /// `column users.email: varchar(255) not null`.
        public var description: String {
            definition.isEmpty ? "\(kind.rawValue) \(name)" : "\(kind.rawValue) \(name): \(definition)"
        }
    }

    /// The objects, sorted, each once.
    public let objects: [Object]

    /// A snapshot of `objects`.
    public init(_ objects: [Object]) {
        self.objects = Array(Set(objects)).sorted()
    }

    /// The objects of one kind.
    public func objects(_ kind: Kind) -> [Object] { objects.filter { $0.kind == kind } }

    /// The tables, those that reference others (by a foreign key constraint whose
    /// definition says `REFERENCES table`) before the tables they reference: the order to
    /// drop them in.
    public var tablesReferencingFirst: [String] {
        let tables = objects(.table).map(\.name)
        var references: [String: Set<String>] = [:]
        for (constraint, parent) in foreignKeys {
            let child = String(constraint.name.prefix { $0 != "." })
            if parent != child { references[child, default: []].insert(parent) }
        }
        var ordered: [String] = []
        var placed = Set<String>()
        // Repeatedly take the tables no unplaced table references; a cycle is broken by name.
        while ordered.count < tables.count {
            let remaining = tables.filter { !placed.contains($0) }
            let free = remaining.filter { table in !remaining.contains { references[$0]?.contains(table) == true && $0 != table } }
            for table in free.isEmpty ? [remaining[0]] : free {
                ordered.append(table)
                placed.insert(table)
            }
        }
        return ordered
    }

    /// Each foreign key constraint (its definition says `REFERENCES table`) with the table it
    /// references.
    public var foreignKeys: [(constraint: Object, references: String)] {
        objects(.constraint).compactMap { constraint in
            guard constraint.name.contains("."), let range = constraint.definition.range(of: "REFERENCES ", options: .caseInsensitive) else { return nil }
            let parent = constraint.definition[range.upperBound...].prefix { $0 != "(" && $0 != " " }.trimmingCharacters(in: CharacterSet(charactersIn: "\"`"))
            return (constraint, parent)
        }
    }

    /// The statements that drop every object of the snapshot: views, then tables (those that
    /// reference others first), then functions, types and sequences — rendered by `dialect`.
    public func dropStatements(_ dialect: any SchemaDialect) -> [String] {
        let tables = tablesReferencingFirst.map { Object(.table, $0) }
        let rest = objects(.function) + objects(.type) + objects(.sequence)
        return (objects(.view).reversed() + tables + rest).compactMap(dialect.dropStatement(for:))
    }

    /// What differs between this snapshot (say, the live database) and `reference` (say,
    /// the committed schema): objects only here, only there, or defined differently, in
    /// the order of ``objects``.
    public func differences(from reference: SchemaSnapshot) -> [SchemaDifference] {
        let here = Dictionary(objects.map { (ObjectKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        let there = Dictionary(reference.objects.map { (ObjectKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        var differences: [SchemaDifference] = []
        for key in Set(here.keys).union(there.keys).sorted() {
            switch (here[key], there[key]) {
            case let (mine?, theirs?) where mine.definition != theirs.definition:
                differences.append(.changed(mine, reference: theirs))
            case let (mine?, nil):
                differences.append(.onlyHere(mine))
            case let (nil, theirs?):
                differences.append(.onlyInReference(theirs))
            default:
                break
            }
        }
        return differences
    }

    /// An object's identity: its kind and name.
    private struct ObjectKey: Hashable, Comparable {
        let kind: Kind
        let name: String
        init(_ object: Object) {
            kind = object.kind
            name = object.name
        }
        static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { (lhs.kind, lhs.name) < (rhs.kind, rhs.name) }
    }
}

/// One way two snapshots differ (``SchemaSnapshot/differences(from:)``).
public enum SchemaDifference: Sendable, Hashable {
    /// In the snapshot compared, not in the reference.
    case onlyHere(SchemaSnapshot.Object)
    /// In the reference, not in the snapshot compared.
    case onlyInReference(SchemaSnapshot.Object)
    /// In both, defined differently.
    case changed(SchemaSnapshot.Object, reference: SchemaSnapshot.Object)

    /// The object the difference is about.
    public var object: SchemaSnapshot.Object {
        switch self {
        case .onlyHere(let object), .onlyInReference(let object), .changed(let object, _): object
        }
    }

    /// One line for people, naming both sides: `column users.nickname: in the database,
    /// not in db/schema.sql`.
    public func description(here: String, reference: String) -> String {
        let object = self.object
        let subject = "\(object.kind.rawValue) \(object.name)"
        switch self {
        case .onlyHere: return "\(subject): in \(here), not in \(reference)"
        case .onlyInReference: return "\(subject): in \(reference), not in \(here)"
        case .changed(let mine, let theirs):
            return "\(subject): \(mine.definition.isEmpty ? "(none)" : mine.definition) in \(here), \(theirs.definition.isEmpty ? "(none)" : theirs.definition) in \(reference)"
        }
    }
}

extension SchemaSnapshot {
    /// The snapshot of the database `settings` names, read over a connection of its own.
    ///
    /// - Throws: ``StrataError`` when the dialect has no introspection.
    public static func read(_ settings: ConnectionSettings, driver: any DatabaseDriver, logger: Logger) async throws -> SchemaSnapshot {
        let connection = try await driver.connect(settings, for: .read, logger: logger)
        return try await connection.closeAfter {
            guard let dialect = connection.dialect.schemaDialect else {
                throw StrataError.unsupported("Schema snapshots", dialect: connection.dialect.name, workaround: "compare the dumps as text.")
            }
            return try await dialect.snapshot(in: connection)
        }
    }
}
