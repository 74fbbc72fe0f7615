import Foundation
import Logging

/// `strata schema dump`, `load` and `check` over one environment's database: the schema's
/// SQL from the driver (``SchemaDumpMethod``), the applied migrations from the history,
/// and the comparison of two ``SchemaSnapshot``s.
public struct SchemaDumps: Sendable {
    /// The migrations and history of the environment.
    public var migrator: Migrator
    /// The environment's driver.
    public var driver: any DatabaseDriver
    /// The environment's database.
    public var settings: ConnectionSettings
    /// Where tools log.
    public var logger: Logger

    /// Creates the commands for a database.
    public init(migrator: Migrator, driver: any DatabaseDriver, settings: ConnectionSettings, logger: Logger) {
        self.migrator = migrator
        self.driver = driver
        self.settings = settings
        self.logger = logger
    }

    /// The database's schema and applied migrations, as `strata schema dump` writes them.
    ///
    /// - Throws: ``StrataError`` (refused) while a migration is dirty: the schema is then
    ///   between two known states.
    public func dump() async throws -> SchemaDumpFile {
        let records = try await migrator.records(withSeeders: migrator.seeding([])).migrations
        if let dirty = records.progress.first {
            throw StrataError(.refused, "Refusing to dump the schema: migration \(dirty.id) is dirty (\(dirty.summary)).",
                              hint: "Settle it with `strata resolve` or `strata migrate --resume` first; the dump would record a half-made schema.")
        }
        let sql = try await driver.schemaDumpMethod(settings, logger: logger).dump()
        return SchemaDumpFile(dialect: settings.dialect, sql: sql, history: try historyStatements(records.history))
    }

    /// One `INSERT` per applied migration, in version order. Deterministic, so the dump does
    /// not change from one machine to the next: a row's `applied_at` is its version's time,
    /// its `execution_ms` 0 — the migration ran where the dump was taken, not here.
    private func historyStatements(_ records: [HistoryRecord]) throws -> String {
        // Names are kebab-case and checksums hex when Strata writes them; a row edited by
        // hand into something else is not written into SQL.
        if let odd = records.first(where: { MigrationName.problem(with: $0.name) != nil || !$0.checksum.allSatisfy(\.isHexDigit) }) {
            throw StrataError.failure("The history row of version \(odd.version) has a name or checksum Strata did not write (\"\(odd.name)\"); the schema was not dumped.",
                                      hint: "Fix that row of \(migrator.historyTableName) by hand.")
        }
        let dialect = driver.dialect
        let table = dialect.quoteIdentifier(migrator.historyTableName)
        let columns = ["version", "name", "checksum", "applied_at", "execution_ms"].map(dialect.quoteIdentifier).joined(separator: ", ")
        return records.sorted { $0.version < $1.version }.map { record in
            "INSERT INTO \(table) (\(columns)) VALUES ('\(record.version)', '\(record.name)', '\(record.checksum)', "
                + "\(dialect.timestampLiteral(record.version.date)), 0);"
        }.joined(separator: "\n")
    }

    /// Creates the dump's schema in the environment's database, which must be empty, and
    /// records the migrations it lists as applied: a test database without replaying every
    /// migration. Takes the migration lock.
    ///
    /// - Throws: ``StrataError`` — configuration when the dump is of another dialect;
    ///   refused (nothing changed) when the database has tables or history.
    ///
    /// - Returns: how many migrations were recorded.
    @discardableResult
    public func load(_ dump: SchemaDumpFile, from file: String) async throws -> Int {
        try await load(dump, from: file, recorded: nil)
    }

    /// ``load(_:from:)`` with the dump's recorded migrations, when the caller read them already.
    func load(_ dump: SchemaDumpFile, from file: String, recorded: [SchemaDumpFile.RecordedMigration]?) async throws -> Int {
        try requireDialect(of: dump, file: file)
        let method = try driver.schemaDumpMethod(settings, logger: logger)
        let recorded = try recorded ?? dump.recordedMigrations(historyTable: migrator.historyTableName, dialect: driver.dialect, file: file)
        let loaded = try await migrator.withLockedSession(progress: { _ in }, plan: { planner, connection -> SchemaDumpFile? in
            let existing = try await connection.dialect.schemaDialect?.snapshot(in: connection).objects(.table).map(\.name) ?? []
            guard existing.isEmpty, planner.history.isEmpty, planner.progress.isEmpty else {
                let what = existing.isEmpty ? "a migration history" : "tables (\(existing.prefix(5).joined(separator: ", "))\(existing.count > 5 ? ", …" : ""))"
                throw StrataError(.refused, "Refusing to load \(file): the database already has \(what). Nothing was changed.",
                                  hint: "`strata schema load` sets up an empty database. Use `strata db drop` and `strata db create` for a fresh one, or `strata migrate`.")
            }
            return dump.sql.isEmpty && dump.history.isEmpty ? nil : dump
        }, beforeChanges: { dump in
            try await Self.run(dump.sql, with: method)
        }) { session, _, _ in
            try await session.recordLoaded(recorded)
            return recorded.count
        }
        return loaded ?? 0
    }

    /// How the live database differs from the dump: the dump is loaded into a scratch
    /// database beside it, both are read as snapshots, and the snapshots compared. The
    /// scratch database is dropped afterwards.
    ///
    /// A server that takes no changes (a standby) cannot hold the scratch database: there the
    /// live database is dumped too and the two dumps compared statement by statement.
    ///
    /// `reference`, from ``referenceSnapshot(of:from:)``, spares loading the dump again: a
    /// fleet of tenants is compared with one load.
    public func check(_ dump: SchemaDumpFile, from file: String, reference: SchemaSnapshot? = nil) async throws -> [SchemaDifference] {
        try requireDialect(of: dump, file: file)
        if let reference { return try await snapshot(of: settings).differences(from: reference) }
        guard let reference = try await referenceSnapshot(of: dump, from: file) else { return try await statementDifferences(from: dump) }
        return try await snapshot(of: settings).differences(from: reference)
    }

    /// The snapshot of `dump` loaded into a scratch database beside this one, which is
    /// dropped afterwards; `nil` when the server takes no changes (a standby) and cannot hold it.
    public func referenceSnapshot(of dump: SchemaDumpFile, from file: String) async throws -> SchemaSnapshot? {
        try requireDialect(of: dump, file: file)
        if try await serverIsReadOnly() { return nil }
        return try await driver.withScratchDatabase(beside: settings, logger: logger) { scratch in
            try await Self.run(dump.sql, with: driver.schemaDumpMethod(scratch, logger: logger))
            return try await snapshot(of: scratch)
        }
    }

    /// A migration whose up section creates the database's schema as it is now (its dump,
    /// as statements Strata runs) and whose down section drops it: how `baseline
    /// --from-database` makes a database built by an ORM's `sync` migration-managed.
    ///
    /// - Throws: ``StrataError`` (refused) when the database has no schema to adopt.
    public func migrationFromDatabase(environment: String, now: Date = Date()) async throws -> String {
        let method = try driver.schemaDumpMethod(settings, logger: logger)
        let snapshot = try await snapshot(of: settings)
        guard let dialect = driver.dialect.schemaDialect, !snapshot.objects(.table).isEmpty else {
            throw StrataError(.refused, "Refusing to write a migration from the database: it has no tables. Nothing was written.",
                              hint: "Point the environment at the database to adopt.")
        }
        let sql = method.runnable(try await method.dump())
        let date = UTCDateTime(now, fractionDigits: 0).formatted(separator: " ", suffix: " UTC")
        return """
            -- migrate:up
            -- The schema of environment \(environment) as it was on \(date), written by
            -- `strata baseline --from-database` and recorded there as baseline: on a new
            -- database this creates that schema. A draft: read it before you commit it.
            \(sql)

            -- migrate:down
            \(snapshot.dropStatements(dialect).map { $0 + ";" }.joined(separator: "\n"))

            """
    }

    /// Whether the environment's server refuses changes (``DatabaseConnection/checkServerAcceptsChanges()``).
    private func serverIsReadOnly() async throws -> Bool {
        let connection = try await driver.connect(settings, for: .read, logger: logger)
        return try await connection.closeAfter {
            do {
                try await connection.checkServerAcceptsChanges()
                return false
            } catch {
                return true
            }
        }
    }

    /// The statements of the live database's dump and of `dump` that the other lacks, with
    /// white space folded.
    private func statementDifferences(from dump: SchemaDumpFile) async throws -> [SchemaDifference] {
        let splitter = StatementSplitter(syntax: driver.dialect.syntax)
        let statements = { (sql: String) throws -> [String] in
            try splitter.split(sql).map { $0.text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        }
        let live = try statements(try await self.dump().sql)
        let reference = try statements(dump.sql)
        let object = { (text: String) in
            SchemaSnapshot.Object(.statement, text.count > 80 ? text.prefix(77) + "..." : text, text)
        }
        let liveSet = Set(live)
        let referenceSet = Set(reference)
        return live.filter { !referenceSet.contains($0) }.map { .onlyHere(object($0)) }
            + reference.filter { !liveSet.contains($0) }.map { .onlyInReference(object($0)) }
    }

    private func snapshot(of settings: ConnectionSettings) async throws -> SchemaSnapshot {
        try await SchemaSnapshot.read(settings, driver: driver, logger: logger)
    }

    private func requireDialect(of dump: SchemaDumpFile, file: String) throws {
        guard dump.dialect == settings.dialect else {
            throw StrataError.configuration("\(file) is a schema dump of a \(dump.dialect) database; this environment is \(settings.dialect). Nothing was changed.",
                                            hint: "Dump the schema again from a \(settings.dialect) database.")
        }
    }

    /// Runs `sql` through `method`, from a private temporary file.
    private static func run(_ sql: String, with method: SchemaDumpMethod) async throws {
        guard !sql.isEmpty else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-schema-\(UUID().uuidString).sql").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: Data((sql + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StrataError(.failure, "Cannot write \(path) to load the schema from.")
        }
        do {
            try await method.load(path)
        } catch let error as StrataError {
            throw StrataError(error.code, "Loading the schema failed: \(error.message)\n\(method.guarantee)", hint: error.hint, underlying: error.underlying)
        }
    }
}
