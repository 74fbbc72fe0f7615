import Foundation

/// `db/schema.sql`, as `strata schema dump` writes it: a header naming the dialect, the
/// schema's SQL as the database's own tools render it (deterministic: no banners, dates or
/// random keys, a stable order), and the migrations applied to it.
///
/// ```sql
/// -- Strata schema dump (dialect: postgres). Written by `strata schema dump`; do not edit.
/// -- Load it into an empty database with `strata schema load`.
///
/// CREATE TABLE public.users (…);
///
/// -- strata:applied-migrations (recorded in the history by `strata schema load`)
/// -- 20250519123045 create-users 5b0c…e1
/// ```
public struct SchemaDumpFile: Sendable, Hashable {
    /// A migration the dumped database had applied.
    public struct AppliedMigration: Sendable, Hashable {
        /// Its identity.
        public var id: MigrationID
        /// The checksum of its source when it was applied.
        public var checksum: String

        /// Creates an entry.
        public init(id: MigrationID, checksum: String) {
            self.id = id
            self.checksum = checksum
        }
    }

    /// The dialect the SQL is written in.
    public var dialect: String
    /// The schema's SQL.
    public var sql: String
    /// The migrations applied, in version order.
    public var applied: [AppliedMigration]

    /// Creates a dump.
    public init(dialect: String, sql: String, applied: [AppliedMigration]) {
        self.dialect = dialect
        self.sql = sql
        self.applied = applied.sorted { $0.id < $1.id }
    }

    private static let headerPrefix = "-- Strata schema dump (dialect: "
    private static let trailerMarker = "-- strata:applied-migrations"

    /// The file's text.
    public var text: String {
        var text = "\(Self.headerPrefix)\(dialect)). Written by `strata schema dump`; do not edit.\n"
        text += "-- Load it into an empty database with `strata schema load`.\n\n"
        let body = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if !body.isEmpty { text += body + "\n\n" }
        text += "\(Self.trailerMarker) (recorded in the history by `strata schema load`)\n"
        for migration in applied {
            text += "-- \(migration.id.version) \(migration.id.name) \(migration.checksum)\n"
        }
        return text
    }

    /// Reads a dump that `strata schema dump` wrote.
    ///
    /// - Throws: ``StrataError`` (configuration) naming `file` when it is not such a dump, or
    ///   its list of applied migrations is damaged.
    public init(parsing text: String, file: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix(Self.headerPrefix), let close = first.firstIndex(of: ")") else {
            throw StrataError.configuration(
                "\(file) is not a schema dump written by `strata schema dump` (its first line is not Strata's header); nothing was loaded.",
                hint: "Write it with `strata schema dump`, or load a SQL file of your own with the database's client."
            )
        }
        dialect = String(first[first.index(first.startIndex, offsetBy: Self.headerPrefix.count)..<close])
        guard let marker = lines.firstIndex(where: { $0.hasPrefix(Self.trailerMarker) }) else {
            throw StrataError.configuration("\(file) has no `\(Self.trailerMarker)` section: it is truncated or was edited; nothing was loaded.",
                                            hint: "Write it again with `strata schema dump`.")
        }
        sql = lines[1..<marker].filter { !$0.hasPrefix("-- Load it into an empty database") }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var applied: [AppliedMigration] = []
        for (offset, line) in lines[(marker + 1)...].enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let words = line.dropFirst(3).split(separator: " ")
            guard line.hasPrefix("-- "), words.count == 3, let version = MigrationVersion(String(words[0])),
                  MigrationName.problem(with: String(words[1])) == nil, words[2].count == 64 else {
                throw StrataError.configuration("\(file):\(marker + offset + 2): `\(line)` is not an applied migration (`-- VERSION name SHA-256`); nothing was loaded.",
                                                hint: "Write the file again with `strata schema dump`.")
            }
            applied.append(AppliedMigration(id: MigrationID(version: version, name: String(words[1])), checksum: String(words[2])))
        }
        self.applied = applied
    }
}
