import Foundation

/// `db/schema.sql`, as `strata schema dump` writes it: a header naming the dialect, the
/// schema's SQL as the database's own tools render it (deterministic: no banners, dates or
/// random keys, a stable order), and the statements that record the migrations applied.
///
/// ```sql
/// -- Strata schema dump (dialect: postgres). Written by `strata schema dump`; do not edit.
/// -- Load it into an empty database with `strata schema load`.
///
/// CREATE TABLE users (…);
///
/// -- strata:applied-migrations (run by `strata schema load` once it made the history table)
/// INSERT INTO "strata_migrations" ("version", "name", "checksum", "applied_at", "execution_ms")
///     VALUES ('20250519123045', 'create-users', '5b0c…e1', '2025-05-19T12:30:45.000Z', 0);
/// ```
public struct SchemaDumpFile: Sendable, Hashable {
    /// The dialect the SQL is written in.
    public var dialect: String
    /// The schema's SQL.
    public var sql: String
    /// The statements that record the applied migrations in the history table.
    public var history: String

    /// Creates a dump.
    public init(dialect: String, sql: String, history: String) {
        self.dialect = dialect
        self.sql = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        self.history = history.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let headerPrefix = "-- Strata schema dump (dialect: "
    private static let trailerMarker = "-- strata:applied-migrations"

    /// The file's text.
    public var text: String {
        var text = "\(Self.headerPrefix)\(dialect)). Written by `strata schema dump`; do not edit.\n"
        text += "-- Load it into an empty database with `strata schema load`.\n\n"
        if !sql.isEmpty { text += sql + "\n\n" }
        text += "\(Self.trailerMarker) (run by `strata schema load` once it made the history table)\n"
        if !history.isEmpty { text += history + "\n" }
        return text
    }

    /// Reads a dump that `strata schema dump` wrote.
    ///
    /// - Throws: ``StrataError`` (configuration) naming `file` when it is not such a dump.
    public init(parsing text: String, file: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix(Self.headerPrefix), let close = first.firstIndex(of: ")") else {
            throw StrataError.configuration(
                "\(file) is not a schema dump written by `strata schema dump` (its first line is not Strata's header); nothing was loaded.",
                hint: "Write it with `strata schema dump`, or load a SQL file of your own with the database's client."
            )
        }
        guard let marker = lines.firstIndex(where: { $0.hasPrefix(Self.trailerMarker) }) else {
            throw StrataError.configuration("\(file) has no `\(Self.trailerMarker)` section: it is truncated or was edited; nothing was loaded.",
                                            hint: "Write it again with `strata schema dump`.")
        }
        self.init(
            dialect: String(first[first.index(first.startIndex, offsetBy: Self.headerPrefix.count)..<close]),
            sql: lines[1..<marker].filter { !$0.hasPrefix("-- Load it into an empty database") }.joined(separator: "\n"),
            history: lines[(marker + 1)...].joined(separator: "\n")
        )
    }

    /// A migration the dump records as applied.
    public struct RecordedMigration: Sendable, Hashable {
        /// The migration's identity.
        public var id: MigrationID
        /// The checksum of its file when the dump was written.
        public var checksum: String
    }

    /// The migrations the applied-migrations section records, in its order, read from its
    /// `INSERT` statements (one per line, as `strata schema dump` writes them) into
    /// `historyTable`.
    ///
    /// - Throws: ``StrataError`` (configuration) naming `file` and the line's text when a
    ///   line is not such an insert: the section was edited.
    public func recordedMigrations(historyTable: String, dialect sqlDialect: any SQLDialect, file: String) throws -> [RecordedMigration] {
        let prefix = "INSERT INTO \(sqlDialect.quoteIdentifier(historyTable)) "
        return try history.split(separator: "\n").compactMap { line -> RecordedMigration? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            let unreadable = StrataError.configuration(
                "\(file): its applied-migrations section has a line that is not an INSERT into \(historyTable) of a version, name and checksum: \(text.prefix(100))",
                hint: "Write the dump again with `strata schema dump` (from a database whose history table is \(historyTable)). Nothing was changed."
            )
            guard text.hasPrefix(prefix), let values = text.range(of: " VALUES (") else { throw unreadable }
            let literals = text[values.upperBound...].split(separator: "'", omittingEmptySubsequences: false)
            // 'version', 'name', 'checksum': the literals are the odd pieces between quotes.
            guard literals.count >= 7, let version = MigrationVersion(String(literals[1])), MigrationName.problem(with: String(literals[3])) == nil,
                  !literals[5].isEmpty, literals[5].allSatisfy(\.isHexDigit) else { throw unreadable }
            return RecordedMigration(id: MigrationID(version: version, name: String(literals[3])), checksum: String(literals[5]))
        }
    }
}
