/// The history table, `strata_migrations` by default: which migrations are applied, with
/// their checksums, when, and how long they took.
///
/// ```sql
/// CREATE TABLE IF NOT EXISTS strata_migrations (
///     version      VARCHAR(14)  PRIMARY KEY,   -- the 14-digit timestamp
///     name         VARCHAR(255) NOT NULL,
///     checksum     VARCHAR(64)  NOT NULL,      -- SHA-256 of the file, hex
///     applied_at   <timestamp>  NOT NULL,      -- UTC
///     execution_ms BIGINT       NOT NULL
/// )
/// ```
struct HistoryTable {
    /// The default table name.
    static let defaultName = "strata_migrations"

    let name: String
    let connection: any DatabaseConnection
    /// The statements a run repeats for every migration, rendered once.
    private let insertSQL: String
    private let deleteSQL: String

    init(name: String, connection: any DatabaseConnection) {
        self.name = name
        self.connection = connection
        insertSQL = connection.dialect.insertSQL(into: name, columns: Self.columns)
        deleteSQL = connection.dialect.deleteByVersionSQL(from: name)
    }

    private static let columns = ["version", "name", "checksum", "applied_at", "execution_ms"]
    private var dialect: any SQLDialect { connection.dialect }
    private var table: String { dialect.quoteIdentifier(name) }
    private func column(_ name: String) -> String { dialect.quoteIdentifier(name) }

    /// Creates the table if it does not exist.
    func create() async throws {
        let sql = """
            CREATE TABLE IF NOT EXISTS \(table) (\
            \(column("version")) \(dialect.columnType(for: .string(length: 14))) NOT NULL PRIMARY KEY, \
            \(column("name")) \(dialect.columnType(for: .string(length: 255))) NOT NULL, \
            \(column("checksum")) \(dialect.columnType(for: .string(length: 64))) NOT NULL, \
            \(column("applied_at")) \(dialect.columnType(for: .timestamp)) NOT NULL, \
            \(column("execution_ms")) \(dialect.columnType(for: .bigint)) NOT NULL)\(dialect.keyedTableOptions)
            """
        try await run { try await connection.execute(sql) }
    }

    /// All records in version order, from a table that exists: a run created it, or
    /// ``DatabaseConnection/existingTables(_:)`` found it.
    func records() async throws -> [HistoryRecord] {
        let sql = """
            SELECT \(column("version")), \(column("name")), \(column("checksum")), \
            \(column("applied_at")), \(column("execution_ms")) FROM \(table) ORDER BY \(column("version"))
            """
        let rows = try await run { try await connection.query(sql, []) }
        return try rows.map { row in
            let versionText = row["version"].text ?? ""
            guard let version = MigrationVersion(versionText),
                  let name = row["name"].text,
                  let checksum = row["checksum"].text,
                  let appliedAt = row["applied_at"].date,
                  let milliseconds = row["execution_ms"].integer
            else {
                throw StrataError.failure(
                    "The history table \(name) has a row Strata cannot read (version \"\(versionText)\").",
                    hint: "The table was edited by hand; fix or delete that row."
                )
            }
            return HistoryRecord(version: version, name: name, checksum: checksum, appliedAt: appliedAt, executionMilliseconds: milliseconds)
        }
    }

    /// The statement that records an applied migration.
    func insertStatement(_ record: HistoryRecord) -> SQLStatement {
        SQLStatement(text: insertSQL, line: 0, binds: [
            .text(record.version.digits), .text(record.name), .text(record.checksum),
            .timestamp(record.appliedAt), .integer(record.executionMilliseconds),
        ])
    }

    /// The statement that forgets an applied migration (after it was undone).
    func deleteStatement(_ version: MigrationVersion) -> SQLStatement {
        SQLStatement(text: deleteSQL, line: 0, binds: [.text(version.digits)])
    }

    /// Runs a history operation outside a migration, turning database errors into a
    /// message that names the history table.
    private func run<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as DatabaseError {
            throw StrataError.failure("Cannot read or create the history table \(name): \(error)", hint: Self.unreadableHint, underlying: error)
        }
    }

    /// What to do when the database will not show its history table.
    static let unreadableHint = "Check that the environment's database is the one to migrate and that its user may read it. No migration was run."
}
