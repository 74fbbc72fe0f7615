/// How a driver writes and reads a database's schema as SQL: what `strata schema dump`,
/// `load` and `check` use, each engine through its own means (SQLite's catalog, `pg_dump`
/// and `psql`, `mariadb-dump` and `mariadb`).
public struct SchemaDumpMethod: Sendable {
    /// The schema's SQL without Strata's own tables, deterministic: the same schema gives
    /// the same text — no tool banners, dates, owners or random keys, a stable order. An
    /// empty database (or a schema that does not exist yet) gives an empty text.
    public var dump: @Sendable () async throws -> String
    /// Runs a schema's SQL, the file at the given path, on the database.
    public var load: @Sendable (String) async throws -> Void
    /// What a failed ``load`` leaves, in one sentence.
    public var guarantee: String
    /// A dump's SQL as statements Strata's runner executes one by one, for a migration
    /// (`baseline --from-database`): without a client's directives, such as MySQL's
    /// `DELIMITER`. The default keeps the SQL as it is.
    public var runnable: @Sendable (String) -> String

    /// Creates a method.
    public init(
        dump: @escaping @Sendable () async throws -> String, load: @escaping @Sendable (String) async throws -> Void, guarantee: String,
        runnable: @escaping @Sendable (String) -> String = { $0 }
    ) {
        self.dump = dump
        self.load = load
        self.guarantee = guarantee
        self.runnable = runnable
    }
}

extension SchemaDumpMethod {
    /// `text` without the lines `isNoise` picks, with runs of blank lines folded into one
    /// and the ends trimmed: how the dump tools' output is made deterministic.
    public static func tidy(_ text: String, dropping isNoise: (Substring) -> Bool) -> String {
        var lines: [Substring] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard !isNoise(line) else { continue }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if let last = lines.last, !last.isEmpty { lines.append("") }
                continue
            }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
