import Foundation
import Logging

/// `strata db reset` and `strata db prepare`: a database at the newest migration, made as
/// fast as the engine allows — cloned from the template an earlier reset kept at the same
/// migrations, else loaded from the committed schema dump when it is current, else built by
/// applying every migration in one transaction where the engine's DDL is transactional.
///
/// ```swift
/// let text = try String(contentsOfFile: "db/schema.sql", encoding: .utf8)
/// let dump = DatabaseReset.Dump(path: "db/schema.sql", file: try SchemaDumpFile(parsing: text, file: "db/schema.sql"))
/// let reset = DatabaseReset(migrator: migrator, driver: driver, settings: settings, logger: logger, dump: dump)
/// let outcome = try await reset.prepare()   // nothing when current; else the least that makes it so
/// ```
public struct DatabaseReset: Sendable {
    /// The environment's migrations and history table.
    public var migrator: Migrator
    /// The environment's driver.
    public var driver: any DatabaseDriver
    /// The database to rebuild.
    public var settings: ConnectionSettings
    /// Where the steps log.
    public var logger: Logger
    /// The schema dump to load, if any.
    public var dump: Dump?
    /// Whether a reset clones a template of the database at the same migrations, and keeps
    /// one after building it (``DatabaseTemplates``), where the driver can.
    public var usesTemplates: Bool

    /// Creates the commands for a database.
    public init(
        migrator: Migrator, driver: any DatabaseDriver, settings: ConnectionSettings, logger: Logger, dump: Dump?, usesTemplates: Bool = true
    ) {
        self.migrator = migrator
        self.driver = driver
        self.settings = settings
        self.logger = logger
        self.dump = dump
        self.usesTemplates = usesTemplates
    }

    /// A schema dump and the file it was read from.
    public struct Dump: Sendable {
        /// The file, as named to the user.
        public var path: String
        /// Its contents.
        public var file: SchemaDumpFile

        /// A dump read already.
        public init(path: String, file: SchemaDumpFile) {
            self.path = path
            self.file = file
        }
    }

    /// What a reset did.
    public struct Outcome: Sendable {
        /// Whether a database was there to drop.
        public var dropped: Bool
        /// The dump loaded, if one was.
        public var loadedDump: String?
        /// How many migrations the dump recorded as applied.
        public var recordedFromDump: Int
        /// Why the dump was not loaded, when there was one.
        public var dumpNotUsed: String?
        /// The migrations applied after the dump, or instead of it.
        public var applied: [CompletedMigration]
        /// Whether they were applied in one transaction.
        public var appliedAtomically: Bool
        /// The template the database was cloned from, instead of being built, if it was.
        public var clonedTemplate: String?
        /// The template the database was kept as after being built, if it was.
        public var savedTemplate: String?
        /// Why the database, built and correct, could not be kept as a template (the next
        /// reset builds it again): e.g. the user may not create databases.
        public var templateNotSaved: String?
        /// How many migrations the database has applied now.
        public var migrationCount: Int
        /// From the first step to the last.
        public var duration: Duration
    }

    /// What `prepare` found and did.
    public enum Preparation: Sendable {
        /// The database was at the newest migration: nothing was done.
        case upToDate
        /// Only migrations newer than every applied one were pending: they were applied, in
        /// one transaction where the engine allows, and the data kept.
        case migrated([CompletedMigration], atomically: Bool)
        /// The database was missing, empty, or could not be brought up to date by migrating
        /// (the reason): it was rebuilt.
        case reset(Outcome, reason: String)
    }

    /// Drops the database (with everything in it) and makes it again at the newest migration:
    /// as a clone of the template kept for these very migrations, when there is one; else
    /// created, then the dump loaded when it is current — the migrations newer than it
    /// applied after it — or else every migration applied, in one transaction where the
    /// engine's DDL is transactional and no migration is marked `transaction:false`; and then
    /// kept as the template the next reset clones.
    public func reset(progress: @escaping Migrator.ProgressHandler = { _ in }) async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        // Read before anything is dropped: a dump that cannot be read changes nothing.
        let currentness = try dump.map(currentness(of:))
        let templates = usesTemplates ? driver.databaseTemplates(settings, logger: logger) : nil
        let fingerprint = Self.fingerprint(of: migrator)
        let cloneable = try await templates?.exists(fingerprint) == true
        var outcome = Outcome(
            dropped: try await driver.dropDatabase(settings, logger: logger), loadedDump: nil, recordedFromDump: 0, dumpNotUsed: nil,
            applied: [], appliedAtomically: false, clonedTemplate: nil, savedTemplate: nil, templateNotSaved: nil, migrationCount: 0,
            duration: .zero
        )
        if let templates, cloneable {
            try await templates.clone(fingerprint)
            outcome.clonedTemplate = templates.location(fingerprint)
            outcome.migrationCount = migrator.migrations.count
            outcome.duration = clock.now - start
            return outcome
        }
        _ = try await driver.createDatabase(settings, logger: logger)
        if let dump, let currentness {
            switch currentness {
            case .usable(let recorded):
                outcome.recordedFromDump = try await SchemaDumps(migrator: migrator, driver: driver, settings: settings, logger: logger)
                    .load(dump.file, from: dump.path, recorded: recorded)
                outcome.loadedDump = dump.path
            case .unusable(let reason):
                outcome.dumpNotUsed = reason
                logger.info("Not loading the schema dump", metadata: ["dump": "\(dump.path)", "reason": "\(reason)"])
            }
        }
        // A dump that records every migration leaves nothing to apply: no need to look.
        if outcome.recordedFromDump < migrator.migrations.count {
            (outcome.applied, outcome.appliedAtomically) = try await migratePending(progress: progress)
        }
        outcome.migrationCount = outcome.recordedFromDump + outcome.applied.count
        if let templates {
            // The database is built and correct by now: a template that cannot be kept only
            // makes the next reset slower, so it is reported, not thrown.
            do {
                try await templates.save(fingerprint)
                outcome.savedTemplate = templates.location(fingerprint)
            } catch {
                outcome.templateNotSaved = (error as? StrataError)?.message ?? "\(error)"
                logger.warning("The database was built but not kept as a template", metadata: ["reason": "\(outcome.templateNotSaved ?? "")"])
            }
        }
        outcome.duration = clock.now - start
        return outcome
    }

    /// What a database at the newest of `migrator`'s migrations holds, as a hex digest: the
    /// history table, and every migration's version, name and checksum. A
    /// template is kept under it, so a changed, added or removed migration never clones an
    /// old one.
    public static func fingerprint(of migrator: Migrator) -> String {
        var text = "\(migrator.historyTableName)\n"
        for migration in migrator.migrations.sorted(by: { $0.id.version < $1.id.version }) {
            text += "\(migration.id.version.digits) \(migration.id.name) \(migration.checksum)\n"
        }
        return Checksum.sha256(Array(text.utf8))
    }

    /// What ``prepare(_:progress:)`` must do to bring the database to the newest migration.
    public enum PreparationStep: Sendable, Hashable {
        /// Nothing: every migration is applied.
        case nothing
        /// Apply the pending migrations, all newer than every applied one; the data stays.
        case migrate
        /// Rebuild the database (``reset(progress:)``), for this reason.
        case reset(reason: String)
    }

    /// Which ``PreparationStep`` brings the database to the newest migration with the least
    /// work: nothing when it is there; the pending migrations when only migrations newer than
    /// every applied one are pending; a reset when the database is missing, or has no history
    /// and no tables, or when a migration changed, is missing, is dirty or is pending before
    /// an applied one, which migrating cannot settle. Reads only.
    ///
    /// - Throws: ``StrataError`` (refused) when the database has tables but no history —
    ///   Strata did not build it, and will not drop it unasked — or while another run is
    ///   migrating it.
    public func preparationStep() async throws -> PreparationStep {
        guard try await driver.databaseExists(settings, logger: logger) else { return .reset(reason: "it does not exist") }
        let entries = try await migrator.status()
        if let running = entries.first(where: { $0.state == .running }) {
            throw StrataError(.refused, "Refusing to prepare the database: another run is migrating it now (migration \(running.id)). Nothing was changed.",
                              hint: "Wait for that run to finish, then run the command again.")
        }
        let isApplied = { (entry: MigrationStatusEntry) in entry.state == .applied || entry.state == .baseline }
        if entries.allSatisfy(isApplied) { return .nothing }
        if let unsettled = entries.first(where: { [.changed, .missing, .dirty].contains($0.state) }) {
            return .reset(reason: "migration \(unsettled.id) is \(unsettled.state.rawValue)")
        }
        guard let lastApplied = entries.lastIndex(where: isApplied) else {
            let tables = try await existingTables()
            guard tables.isEmpty else {
                throw StrataError(
                    .refused,
                    "Refusing to prepare the database: it has tables (\(tables.prefix(5).joined(separator: ", "))\(tables.count > 5 ? ", …" : "")) but no migration history, so Strata did not build it. Nothing was changed.",
                    hint: "Adopt it with `strata baseline`, or rebuild it from the migrations with `strata db reset`."
                )
            }
            return .reset(reason: "it has no migration applied")
        }
        if let firstPending = entries.firstIndex(where: { $0.state == .pending }), firstPending < lastApplied {
            return .reset(reason: "migration \(entries[firstPending].id) is pending before applied ones")
        }
        return .migrate
    }

    /// Takes `step` (by default the one ``preparationStep()`` finds now) to bring the
    /// database to the newest migration.
    public func prepare(_ step: PreparationStep? = nil, progress: @escaping Migrator.ProgressHandler = { _ in }) async throws -> Preparation {
        let chosen: PreparationStep
        if let step { chosen = step } else { chosen = try await preparationStep() }
        switch chosen {
        case .nothing:
            return .upToDate
        case .migrate:
            let (applied, atomically) = try await migratePending(progress: progress)
            return .migrated(applied, atomically: atomically)
        case .reset(let reason):
            return .reset(try await reset(progress: progress), reason: reason)
        }
    }

    /// The template a reset would clone now, or `nil` when it would build the database.
    public func templateToClone() async throws -> String? {
        guard usesTemplates, let templates = driver.databaseTemplates(settings, logger: logger) else { return nil }
        let fingerprint = Self.fingerprint(of: migrator)
        return try await templates.exists(fingerprint) ? templates.location(fingerprint) : nil
    }

    /// Why the dump will not be loaded by a reset that builds the database, or `nil` when it
    /// will be (or there is none).
    ///
    /// - Throws: ``StrataError`` (configuration) when its applied-migrations section cannot be read.
    public func dumpProblem() throws -> String? {
        guard let dump, case .unusable(let reason) = try currentness(of: dump) else { return nil }
        return reason
    }

    /// Whether a dump may stand for the oldest migrations.
    enum Currentness: Equatable {
        /// It records these, the oldest migrations, in order, with the checksums their files have now.
        case usable([SchemaDumpFile.RecordedMigration])
        /// It may not, for this reason.
        case unusable(String)
    }

    /// Whether `dump` records the oldest migrations — all of them when it is current, the
    /// oldest few when migrations were added since — with their files unchanged.
    func currentness(of dump: Dump) throws -> Currentness {
        guard dump.file.dialect == settings.dialect else {
            return .unusable("\(dump.path) is a dump of a \(dump.file.dialect) database")
        }
        let recorded = try dump.file.recordedMigrations(historyTable: migrator.historyTableName, dialect: driver.dialect, file: dump.path)
        guard !recorded.isEmpty else { return .unusable("\(dump.path) records no applied migration") }
        let migrations = migrator.migrations.sorted { $0.id.version < $1.id.version }
        for (index, entry) in recorded.enumerated() {
            guard index < migrations.count, migrations[index].id.version == entry.id.version else {
                return .unusable("\(dump.path) records migration \(entry.id), which is not the \(ordinal(index + 1)) migration file")
            }
            guard migrations[index].checksum == entry.checksum else {
                return .unusable("migration \(migrations[index].id) changed since \(dump.path) was written")
            }
        }
        return .usable(recorded)
    }

    /// Applies what is pending, in one transaction where possible.
    private func migratePending(progress: @escaping Migrator.ProgressHandler) async throws -> ([CompletedMigration], Bool) {
        let atomic = AtomicityProbe()
        let applied = try await migrator.migrate(Migrator.MigrateOptions(transactions: .atomicWherePossible), progress: { event in
            if case .committed = event { atomic.set() }
            progress(event)
        })
        return (applied, atomic.value)
    }

    /// The names of the database's tables other than Strata's own.
    private func existingTables() async throws -> [String] {
        let connection = try await driver.connect(settings, for: .read, logger: logger)
        return try await connection.closeAfter {
            guard connection.databaseExists, let schema = connection.dialect.schemaDialect else { return [] }
            // Strata's own tables (history, progress, seeds, locks) all start with `strata_`.
            return try await schema.snapshot(in: connection).objects(.table).map(\.name)
                .filter { !$0.hasPrefix("strata_") && $0 != migrator.historyTableName && $0 != ProgressTable.name(for: migrator.historyTableName) }
        }
    }

    private func ordinal(_ number: Int) -> String {
        switch (number % 10, number % 100) {
        case (1, let n) where n != 11: "\(number)st"
        case (2, let n) where n != 12: "\(number)nd"
        case (3, let n) where n != 13: "\(number)rd"
        default: "\(number)th"
        }
    }
}

/// Set when an atomic run committed.
private final class AtomicityProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var committed = false
    func set() { lock.withLock { committed = true } }
    var value: Bool { lock.withLock { committed } }
}
