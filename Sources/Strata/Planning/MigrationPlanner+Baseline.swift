import Foundation

extension MigrationPlanner {
    /// The migrations `strata baseline` records as applied without running them: every
    /// migration up to and including `target` (default: the newest one), in version order.
    ///
    /// - Throws: ``StrataError`` (refused) when `target` names no migration, or when one of
    ///   the migrations is already applied, changed or dirty: a baseline adopts a database
    ///   that Strata has not migrated, never one it has.
    public func migrationsToBaseline(upTo target: MigrationReference?) throws -> [LoadedMigration] {
        let last: MigrationVersion
        if let target {
            guard let migration = migrations.first(where: { $0.id.version == target.version }), target.matches(migration.id) else {
                let existing = migrations.first { $0.id.version == target.version }
                throw StrataError(
                    .refused,
                    "Refusing to baseline up to \(target): "
                        + (existing.map { "version \(target.version) is \($0.id)" } ?? "no \(vocabulary.noun) has version \(target.version)") + ".",
                    hint: "Name a \(vocabulary.noun) of the \(vocabulary.noun)s directory (`strata status` lists them). Nothing was recorded."
                )
            }
            last = migration.id.version
        } else {
            guard let newest = migrations.last else { return [] }
            last = newest.id.version
        }
        let chosen = status().filter { $0.id.version <= last && $0.migration != nil }
        let recorded = chosen.filter { $0.state != .pending }
        guard recorded.isEmpty else {
            let lines = recorded.map { "  \($0.state.rawValue): \($0.id)" }
            throw StrataError(
                .refused,
                "Refusing to baseline: the history already records \(vocabulary.noun)s up to \(last).\n" + lines.joined(separator: "\n"),
                hint: "A baseline adopts a database Strata has not migrated. Baseline up to an earlier version, or run `strata migrate`. Nothing was recorded."
            )
        }
        return chosen.compactMap(\.migration)
    }

    /// Matches another tool's history to these migrations: what `strata import` records.
    ///
    /// Each entry is matched by its version and, when it has one, its name (compared without
    /// case, `_` read as `-`). Matches already in Strata's history with the same name are
    /// `alreadyRecorded`; entries that match nothing are `unmatched`, each with the reason
    /// and the closest migration.
    public func matchImported(_ entries: [ForeignHistoryEntry]) -> ImportedHistory {
        var result = ImportedHistory()
        let byVersion = Dictionary(migrations.map { ($0.id.version, $0) }, uniquingKeysWith: { first, _ in first })
        let recorded = Dictionary(history.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<MigrationVersion>()
        for entry in entries {
            guard let version = entry.version else {
                result.unmatched.append(.init(entry: entry.text, reason: "it does not start with a 14-digit UTC timestamp", closest: nil))
                continue
            }
            guard let migration = byVersion[version] else {
                result.unmatched.append(.init(entry: entry.text, reason: "no \(vocabulary.noun) has version \(version)", closest: closest(to: entry)))
                continue
            }
            if let name = entry.name, Self.comparable(name) != Self.comparable(migration.id.name) {
                result.unmatched.append(.init(entry: entry.text, reason: "version \(version) is \(migration.id), whose name differs", closest: migration))
                continue
            }
            guard seen.insert(version).inserted else { continue }
            if let record = recorded[version], record.name == migration.id.name {
                result.alreadyRecorded.append(migration)
            } else if recorded[version] != nil || progress.contains(where: { $0.version == version }) {
                result.unmatched.append(.init(entry: entry.text, reason: "Strata's history already has version \(version) under another state", closest: migration))
            } else {
                result.matched.append(migration)
            }
        }
        result.matched.sort { $0.id < $1.id }
        return result
    }

    /// The migration nearest to an entry that matched none: by name when the entry has one,
    /// else by version.
    private func closest(to entry: ForeignHistoryEntry) -> LoadedMigration? {
        if let name = entry.name.map(Self.comparable) {
            return migrations.min { Self.distance(Self.comparable($0.id.name), name) < Self.distance(Self.comparable($1.id.name), name) }
        }
        guard let version = entry.version else { return nil }
        return migrations.min { Self.gap($0.id.version, version) < Self.gap($1.id.version, version) }
    }

    private static func comparable(_ name: String) -> String {
        name.lowercased().replacing("_", with: "-").replacing(" ", with: "-")
    }

    private static func gap(_ first: MigrationVersion, _ second: MigrationVersion) -> TimeInterval {
        abs(first.date.timeIntervalSince(second.date))
    }

    /// The edit distance between two names (Levenshtein, one row at a time).
    private static func distance(_ first: String, _ second: String) -> Int {
        let a = Array(first.utf8), b = Array(second.utf8)
        var row = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var previous = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let current = row[j + 1]
                row[j + 1] = x == y ? previous : min(previous, row[j], current) + 1
                previous = current
            }
        }
        return row[b.count]
    }
}

/// One row of another migration tool's history: a file name with its extension
/// (sequelize-cli's `SequelizeMeta.name`) or a bare version (`schema_migrations.version`).
public struct ForeignHistoryEntry: Sendable, Hashable {
    /// The row as the tool wrote it.
    public var text: String
    /// Its version, when it starts with a 14-digit UTC timestamp.
    public var version: MigrationVersion?
    /// The name after the version, without the file's extension; `nil` for a bare version.
    public var name: String?

    /// A sequelize-cli row: `20250519123045-create-user-table.js`.
    public init(fileName: String) {
        text = fileName
        var stem = Substring(fileName)
        for suffix in [".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".sql"] where stem.hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
            break
        }
        version = MigrationVersion(String(stem.prefix(14)))
        let rest = stem.dropFirst(14)
        name = rest.first == "-" || rest.first == "_" ? String(rest.dropFirst()) : (rest.isEmpty ? nil : String(rest))
    }

    /// A row of a `schema_migrations(version)` table.
    public init(version: String) {
        text = version
        self.version = MigrationVersion(version.trimmingCharacters(in: .whitespaces))
        name = nil
    }
}

/// Another tool's history matched to Strata's migrations (``MigrationPlanner/matchImported(_:)``).
public struct ImportedHistory: Sendable, Hashable {
    /// An entry that matched no migration.
    public struct Unmatched: Sendable, Hashable {
        /// The row as the tool wrote it.
        public var entry: String
        /// Why it matched nothing.
        public var reason: String
        /// The migration nearest to it, if any.
        public var closest: LoadedMigration?
    }

    /// Migrations to record as baselined, in version order.
    public var matched: [LoadedMigration] = []
    /// Migrations Strata's history records already.
    public var alreadyRecorded: [LoadedMigration] = []
    /// Entries that matched nothing.
    public var unmatched: [Unmatched] = []

    /// Creates an empty result.
    public init() {}
}
