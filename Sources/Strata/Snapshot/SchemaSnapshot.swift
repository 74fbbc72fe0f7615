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

        /// In the order of ``allCases``: tables before what they hold.
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
