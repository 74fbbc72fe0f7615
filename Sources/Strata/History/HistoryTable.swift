/// The history table, `strata_migrations` by default: which migrations are applied, with
/// their checksums, when, and how long they took.
///
/// ```sql
/// CREATE TABLE IF NOT EXISTS strata_migrations (
///     version      VARCHAR(14)  PRIMARY KEY,   -- the 14-digit timestamp
///     name         VARCHAR(255) NOT NULL,
///     checksum     VARCHAR(64)  NOT NULL,      -- SHA-256 of the file, hex
///     applied_at   <timestamp>  NOT NULL,      -- UTC
///     execution_ms BIGINT       NOT NULL,
///     kind         VARCHAR(16)                 -- 'baseline': recorded without running
/// )
/// ```
///
/// History tables made before `kind` existed get it when a baseline is first recorded
/// (``addKindColumnIfMissing()``); until then every row reads as run here.
struct HistoryTable {
    /// The default table name.
    static let defaultName = "strata_migrations"

    let name: String
    let connection: any DatabaseConnection
    /// The statements a run repeats for every migration, rendered once.
    private let insertSQL: String
    private let insertBaselineSQL: String
    private let deleteSQL: String

    init(name: String, connection: any DatabaseConnection) {
        self.name = name
        self.connection = connection
        insertSQL = connection.dialect.insertSQL(into: name, columns: Self.columns)
        insertBaselineSQL = connection.dialect.insertSQL(into: name, columns: Self.columns + [Self.kindColumn])
        deleteSQL = connection.dialect.deleteByVersionSQL(from: name)
    }

    private static let columns = ["version", "name", "checksum", "applied_at", "execution_ms"]
    /// The column that marks a row recorded without running, and its one value.
    private static let kindColumn = "kind"
    private static let baselineKind = "baseline"
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
            \(column("execution_ms")) \(dialect.columnType(for: .bigint)) NOT NULL, \
            \(column(Self.kindColumn)) \(dialect.columnType(for: .string(length: 16))))\(dialect.keyedTableOptions)
            """
        try await run { try await connection.execute(sql) }
    }

    /// Adds the `kind` column to a history table made before it existed.
    func addKindColumnIfMissing() async throws {
        guard let schema = dialect.schemaDialect else {
            throw StrataError.unsupported("Recording baselined migrations", dialect: dialect.name, workaround: "apply the migrations instead.")
        }
        try await run {
            guard try await !schema.columns(of: name, in: connection).contains(where: { $0.name == Self.kindColumn }) else { return }
            try await connection.execute("ALTER TABLE \(table) ADD \(column(Self.kindColumn)) \(dialect.columnType(for: .string(length: 16)))")
        }
    }

    /// All records in version order, from a table that exists: a run created it, or
    /// ``DatabaseConnection/existingTables(_:)`` found it.
    func records() async throws -> [HistoryRecord] {
        // Every column: a table made before `kind` existed has none.
        let sql = "SELECT * FROM \(table) ORDER BY \(column("version"))"
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
            return HistoryRecord(
                version: version, name: name, checksum: checksum, appliedAt: appliedAt, executionMilliseconds: milliseconds,
                baselined: row[Self.kindColumn].text == Self.baselineKind
            )
        }
    }

    /// The statement that records an applied migration.
    func insertStatement(_ record: HistoryRecord) -> SQLStatement {
        let binds: [DatabaseValue] = [
            .text(record.version.digits), .text(record.name), .text(record.checksum),
            .timestamp(record.appliedAt), .integer(record.executionMilliseconds),
        ]
        guard record.baselined else { return SQLStatement(text: insertSQL, line: 0, binds: binds) }
        return SQLStatement(text: insertBaselineSQL, line: 0, binds: binds + [.text(Self.baselineKind)])
    }

    /// Statements that record applied migrations (not baselined ones) many rows at a time:
    /// an atomic run records its migrations together.
    func insertStatements(_ records: [HistoryRecord]) -> [SQLStatement] {
        stride(from: 0, to: records.count, by: Self.rowsPerInsert).map { start in
            let chunk = records[start..<min(start + Self.rowsPerInsert, records.count)]
            let binds = chunk.flatMap { insertStatement($0).binds }
            return SQLStatement(text: dialect.insertSQL(into: name, columns: Self.columns, rows: chunk.count), line: 0, binds: binds)
        }
    }

    /// Rows per multi-row insert: 2,500 bind values, under every engine's limit.
    private static let rowsPerInsert = 500

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
