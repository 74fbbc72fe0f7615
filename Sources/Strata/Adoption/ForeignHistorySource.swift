/// Where another migration tool keeps its history in the database, for `strata import`.
/// The table is only read, never changed: the other tool may still be running during the move.
public enum ForeignHistorySource: Sendable, Hashable {
    /// sequelize-cli's `SequelizeMeta(name)` (its `migrationStorageTableName`): one row per
    /// applied migration, the file's name with its extension.
    case sequelize(table: String = "SequelizeMeta")
    /// `schema_migrations(version)`: one row per applied version (dbmate, Rails), or — with a
    /// `dirty` column — golang-migrate's single row holding the current version.
    case schemaMigrations(table: String = "schema_migrations")

    /// The table read.
    public var table: String {
        switch self {
        case .sequelize(let table), .schemaMigrations(let table): table
        }
    }

    /// The tool, as people name it.
    public var tool: String {
        switch self {
        case .sequelize: "sequelize-cli"
        case .schemaMigrations: "dbmate, Rails or golang-migrate"
        }
    }

    /// The rows of the table over `connection`, as entries to match with `migrations`.
    ///
    /// - Throws: ``StrataError`` (configuration) when the table does not exist; (refused)
    ///   when golang-migrate marked its version dirty.
    func entries(over connection: any DatabaseConnection, migrations: [LoadedMigration]) async throws -> [ForeignHistoryEntry] {
        let dialect = connection.dialect
        guard try await connection.existingTables([table]).contains(table) else {
            throw StrataError.configuration(
                "The database has no table \(table), where \(tool) keeps its history; nothing was imported.",
                hint: "Point the environment at the database the other tool migrated, or name its history table with --table."
            )
        }
        let quoted = dialect.quoteIdentifier(table)
        switch self {
        case .sequelize:
            return try await connection.query("SELECT \(dialect.quoteIdentifier("name")) AS name FROM \(quoted)", [])
                .compactMap { $0["name"].text }.sorted().map(ForeignHistoryEntry.init(fileName:))
        case .schemaMigrations:
            let columns = try await dialect.schemaDialect?.columns(of: table, in: connection).map(\.name) ?? []
            guard columns.contains("dirty") else {
                return try await connection.query("SELECT \(dialect.quoteIdentifier("version")) AS version FROM \(quoted)", [])
                    .compactMap { $0["version"].text }.sorted().map(ForeignHistoryEntry.init(version:))
            }
            return try await golangMigrateEntries(over: connection, table: quoted, migrations: migrations)
        }
    }

    /// golang-migrate keeps one row, the version the database is at: every migration up to
    /// it is applied, unless the row is dirty (a migration failed half-way).
    private func golangMigrateEntries(over connection: any DatabaseConnection, table: String, migrations: [LoadedMigration]) async throws -> [ForeignHistoryEntry] {
        let dialect = connection.dialect
        let rows = try await connection.query(
            "SELECT \(dialect.quoteIdentifier("version")) AS version, CASE WHEN \(dialect.quoteIdentifier("dirty")) THEN 1 ELSE 0 END AS dirty FROM \(table)", []
        )
        guard let row = rows.first, let text = row["version"].text else { return [] }
        guard row["dirty"].integer != 1 else {
            throw StrataError(
                .refused,
                "golang-migrate marked version \(text) dirty in \(self.table): a migration failed half-way, so the database is in no known state. Nothing was imported.",
                hint: "Repair the database and clear the mark with golang-migrate first (`migrate force VERSION`), then import again."
            )
        }
        let current = ForeignHistoryEntry(version: text)
        guard let version = current.version else { return [current] }
        let earlier = migrations.filter { $0.id.version < version }.map { ForeignHistoryEntry(version: $0.id.version.digits) }
        return earlier + [current]
    }
}
