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
}
