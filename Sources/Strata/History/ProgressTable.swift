import Foundation

/// The progress table, `strata_migrations_progress`: migrations that are running, or that
/// stopped half-way without a rollback (dirty). See ``MigrationProgress``.
struct ProgressTable {
    let name: String
    let connection: any DatabaseConnection
    /// The statements a run repeats for every migration, rendered once.
    private let insertSQL: String
    private let advanceSQL: String
    private let deleteSQL: String

    /// The progress table that goes with a history table.
    init(historyTable: String, connection: any DatabaseConnection) {
        self.name = Self.name(for: historyTable)
        self.connection = connection
        let dialect = connection.dialect
        insertSQL = dialect.insertSQL(into: name, columns: Self.columns)
        advanceSQL = """
            UPDATE \(dialect.quoteIdentifier(name)) SET \(dialect.quoteIdentifier("statements_done")) = \(dialect.bindPlaceholder(at: 1)) \
            WHERE \(dialect.quoteIdentifier("version")) = \(dialect.bindPlaceholder(at: 2))
            """
        deleteSQL = dialect.deleteByVersionSQL(from: name)
    }

    /// The name of the progress table that goes with a history table.
    static func name(for historyTable: String) -> String { historyTable + "_progress" }

    private var dialect: any SQLDialect { connection.dialect }
    private var table: String { dialect.quoteIdentifier(name) }
    private func column(_ name: String) -> String { dialect.quoteIdentifier(name) }
    private static let columns = [
        "version", "name", "checksum", "direction", "started_at", "statements_done", "statements_total", "failed_line", "error",
    ]

    func create() async throws {
        let sql = """
            CREATE TABLE IF NOT EXISTS \(table) (\
            \(column("version")) \(dialect.columnType(for: .string(length: 14))) NOT NULL PRIMARY KEY, \
            \(column("name")) \(dialect.columnType(for: .string(length: 255))) NOT NULL, \
            \(column("checksum")) \(dialect.columnType(for: .string(length: 64))) NOT NULL, \
            \(column("direction")) \(dialect.columnType(for: .string(length: 4))) NOT NULL, \
            \(column("started_at")) \(dialect.columnType(for: .timestamp)) NOT NULL, \
            \(column("statements_done")) \(dialect.columnType(for: .bigint)) NOT NULL, \
            \(column("statements_total")) \(dialect.columnType(for: .bigint)) NOT NULL, \
            \(column("failed_line")) \(dialect.columnType(for: .bigint)), \
            \(column("error")) \(dialect.columnType(for: .text)))\(dialect.keyedTableOptions)
            """
        try await connection.execute(sql)
    }

    /// Every dirty or running migration, from a table that exists: a run created it, or
    /// ``DatabaseConnection/existingTables(_:)`` found it.
    func records() async throws -> [MigrationProgress] {
        let sql = "SELECT \(Self.columns.map(column).joined(separator: ", ")) FROM \(table) ORDER BY \(column("version"))"
        return try await connection.query(sql, []).map { row in
            guard let version = MigrationVersion(row["version"].text ?? ""),
                  let name = row["name"].text, let checksum = row["checksum"].text,
                  let direction = row["direction"].text.flatMap(MigrationDirection.init(rawValue:)),
                  let startedAt = row["started_at"].date,
                  let done = row["statements_done"].integer, let total = row["statements_total"].integer
            else {
                throw StrataError.failure("The table \(name) has a row Strata cannot read (version \"\(row["version"].text ?? "")\").",
                                          hint: "The table was edited by hand; fix or delete that row.")
            }
            return MigrationProgress(
                version: version, name: name, checksum: checksum, direction: direction, startedAt: startedAt,
                statementsDone: Int(done), statementsTotal: Int(total),
                failedLine: row["failed_line"].integer.map(Int.init), error: row["error"].text
            )
        }
    }

    /// Records that a migration starts.
    func start(_ progress: MigrationProgress) async throws {
        try await connection.executeAll([startStatement(progress)])
    }

    /// Records that a dirty migration resumes: its record is updated in place, in one
    /// statement, so that no moment exists — a crash, a failure — in which it has none.
    func resume(_ progress: MigrationProgress) async throws {
        let sql = """
            UPDATE \(table) SET \(column("name")) = \(dialect.bindPlaceholder(at: 1)), \(column("checksum")) = \(dialect.bindPlaceholder(at: 2)), \
            \(column("statements_done")) = \(dialect.bindPlaceholder(at: 3)), \(column("statements_total")) = \(dialect.bindPlaceholder(at: 4)), \
            \(column("failed_line")) = NULL, \(column("error")) = NULL WHERE \(column("version")) = \(dialect.bindPlaceholder(at: 5))
            """
        try await connection.executeAll([SQLStatement(text: sql, line: 0, binds: [
            .text(progress.name), .text(progress.checksum), .integer(Int64(progress.statementsDone)),
            .integer(Int64(progress.statementsTotal)), .text(progress.version.digits),
        ])])
    }

    /// The statement that records that a migration starts.
    func startStatement(_ progress: MigrationProgress) -> SQLStatement {
        SQLStatement(text: insertSQL, line: 0, binds: [
            .text(progress.version.digits), .text(progress.name), .text(progress.checksum), .text(progress.direction.rawValue),
            .timestamp(progress.startedAt), .integer(Int64(progress.statementsDone)), .integer(Int64(progress.statementsTotal)),
            progress.failedLine.map { .integer(Int64($0)) } ?? .null, progress.error.map(DatabaseValue.text) ?? .null,
        ])
    }

    /// Records that `done` statements completed.
    func advance(_ version: MigrationVersion, done: Int) async throws {
        try await connection.executeAll([SQLStatement(text: advanceSQL, line: 0, binds: [.integer(Int64(done)), .text(version.digits)])])
    }

    /// Records the statement that failed.
    func fail(_ version: MigrationVersion, line: Int, error: String) async throws {
        let sql = """
            UPDATE \(table) SET \(column("failed_line")) = \(dialect.bindPlaceholder(at: 1)), \
            \(column("error")) = \(dialect.bindPlaceholder(at: 2)) WHERE \(column("version")) = \(dialect.bindPlaceholder(at: 3))
            """
        _ = try await connection.query(sql, [.integer(Int64(line)), .text(String(error.prefix(2000))), .text(version.digits)])
    }

    /// Forgets a migration's progress: it finished, or was resolved.
    func delete(_ version: MigrationVersion) async throws {
        try await connection.executeAll([deleteStatement(version)])
    }

    /// The statement that forgets a migration's progress.
    func deleteStatement(_ version: MigrationVersion) -> SQLStatement {
        SQLStatement(text: deleteSQL, line: 0, binds: [.text(version.digits)])
    }
}
