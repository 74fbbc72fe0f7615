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
        self.sql = Self.trimmed(sql)
        self.history = Self.trimmed(history)
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

    /// Reads a dump that `strata schema dump` wrote. Works on the text's bytes: a dump of
    /// thousands of tables is read in a millisecond or two.
    ///
    /// - Throws: ``StrataError`` (configuration) naming `file` when it is not such a dump.
    public init(parsing text: String, file: String) throws {
        let bytes = Array(text.utf8)
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let header = Array(Self.headerPrefix.utf8)
        guard let first = lines.first, first.starts(with: header), let close = first.firstIndex(of: UInt8(ascii: ")")) else {
            throw StrataError.configuration(
                "\(file) is not a schema dump written by `strata schema dump` (its first line is not Strata's header); nothing was loaded.",
                hint: "Write it with `strata schema dump`, or load a SQL file of your own with the database's client."
            )
        }
        let trailer = Array(Self.trailerMarker.utf8)
        guard let marker = lines.firstIndex(where: { $0.starts(with: trailer) }) else {
            throw StrataError.configuration("\(file) has no `\(Self.trailerMarker)` section: it is truncated or was edited; nothing was loaded.",
                                            hint: "Write it again with `strata schema dump`.")
        }
        let loadNote = Array("-- Load it into an empty database".utf8)
        let joined = { (part: ArraySlice<ArraySlice<UInt8>>) in
            String(decoding: Array(part.joined(separator: [UInt8(ascii: "\n")])), as: UTF8.self)
        }
        self.init(
            dialect: String(decoding: first[(first.startIndex + header.count)..<close], as: UTF8.self),
            sql: joined(lines[1..<marker].filter { !$0.starts(with: loadNote) }[...]),
            history: joined(lines[(marker + 1)...])
        )
    }

    /// `text` without white space at either end.
    private static func trimmed(_ text: String) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let bytes = text.utf8
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        if start == bytes.startIndex, bytes.index(after: end) == bytes.endIndex { return text }
        return String(text[start...end])
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
        let prefix = Array("INSERT INTO \(sqlDialect.quoteIdentifier(historyTable)) ".utf8)
        let values = Array(" VALUES (".utf8)
        let quote = UInt8(ascii: "'")
        return try history.utf8.split(separator: UInt8(ascii: "\n")).compactMap { line -> RecordedMigration? in
            let text = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            guard !text.isEmpty else { return nil }
            let unreadable = StrataError.configuration(
                "\(file): its applied-migrations section has a line that is not an INSERT into \(historyTable) of a version, name and checksum: "
                    + String(decoding: text.prefix(100), as: UTF8.self),
                hint: "Write the dump again with `strata schema dump` (from a database whose history table is \(historyTable)). Nothing was changed."
            )
            guard text.starts(with: prefix), let valuesStart = Self.firstRange(of: values, in: text) else { throw unreadable }
            // 'version', 'name', 'checksum': the literals are the odd pieces between quotes.
            let literals = text[valuesStart...].split(separator: quote, maxSplits: 6, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            guard literals.count >= 7, let version = MigrationVersion(literals[1]), MigrationName.problem(with: literals[3]) == nil,
                  !literals[5].isEmpty, literals[5].utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) })
            else { throw unreadable }
            return RecordedMigration(id: MigrationID(version: version, name: literals[3]), checksum: literals[5])
        }
    }

    /// Where `needle` first starts in `bytes`.
    private static func firstRange(of needle: [UInt8], in bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.Index? {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index...].starts(with: needle) { return index }
            index = bytes.index(after: index)
        }
        return nil
    }
}
