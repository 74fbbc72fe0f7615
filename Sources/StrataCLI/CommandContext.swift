import Foundation
import Logging
import Strata

/// What a command works with once the global options are applied: the configuration, the
/// environment, its driver and a logger.
struct CommandContext {
    let configuration: StrataConfiguration
    let environment: ResolvedEnvironment
    let driver: any DatabaseDriver
    let logger: Logger

    /// Applies `-C`, reads the configuration, picks the environment and its driver.
    init(_ options: GlobalOptions) throws {
        if let directory = options.directory {
            guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                throw StrataError(.configuration, "Cannot change to directory \(directory) (-C): it does not exist or is not a directory.")
            }
        }
        let variables = ProcessInfo.processInfo.environment
        configuration = try ConfigurationLoader.load(path: options.config)
        let name = try StrataConfiguration.environmentName(explicit: options.env, variables: variables)
        environment = try configuration.environment(named: name, variables: variables)

        let dialectName = environment.connection.dialect
        guard let driver = CommandEnvironment.drivers.first(where: { $0.dialects.contains(dialectName) }) else {
            let available = CommandEnvironment.drivers.flatMap(\.dialects).sorted().joined(separator: ", ")
            throw StrataError(
                .configuration,
                "This build of strata has no driver for \(dialectName) (environment \"\(name)\"); it supports: \(available).",
                hint: "Use a strata build that includes the \(dialectName) driver, or point the environment at a supported database."
            )
        }
        self.driver = driver

        var logger = Logger(label: Logger.strataLabel) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = options.quiet ? .error : options.verbose ? .debug : environment.logging ? .info : .warning
        logger[metadataKey: "environment"] = "\(name)"
        self.logger = logger
    }

    /// The migrations of the environment's migrations directory, and the Swift migrations
    /// of the executable embedding the command line, on one timeline.
    func loadMigrations() async throws -> [LoadedMigration] {
        let files = try MigrationDirectory(path: environment.migrationsDirectory, syntax: driver.dialect.syntax).load()
        guard let registry = CommandEnvironment.registry else { return files }
        return try MigrationSources.merge(files, try await registry.load())
    }

    /// The seeders of the environment's seeders directory.
    func loadSeeders() throws -> [LoadedMigration] {
        try MigrationDirectory(path: environment.seedersDirectory, syntax: driver.dialect.syntax, noun: "Seeder").load()
    }

    /// A migrator over the environment's database and migrations.
    func migrator(lockTimeout: Duration = .seconds(60)) async throws -> Migrator {
        engine(try await loadMigrations(), lockTimeout: lockTimeout)
    }

    /// A migrator over the environment's database and seeders (history `strata_seeds`).
    func seeder(lockTimeout: Duration = .seconds(60)) throws -> Migrator {
        engine([], lockTimeout: lockTimeout).seeding(try loadSeeders())
    }

    /// The status of the migrations and of the seeders. The database is read — connecting,
    /// and on SQLite parsing the schema — while the files load: neither waits for the other.
    func status() async throws -> Migrator.CombinedStatus {
        let database = engine([], lockTimeout: .seconds(60))
        async let records = database.records(withSeeders: database.seeding([]))
        let migrator = try await self.migrator()
        let seeder = try self.seeder()
        return migrator.status(withSeeders: seeder, records: try await records)
    }

    private func engine(_ migrations: [LoadedMigration], lockTimeout: Duration) -> Migrator {
        let driver = self.driver
        let settings = environment.connection
        return Migrator(
            migrations: migrations,
            connect: { [logger] purpose in try await driver.connect(settings, for: purpose, logger: logger) },
            lockTimeout: lockTimeout,
            logger: logger,
            logStatements: environment.logging
        )
    }

    /// Backs up the environment's database; returns the backup's path.
    func backup(output: String? = nil, keep: Int? = nil) async throws -> String {
        let method = try driver.backupMethod(environment.connection, logger: logger)
        return try await backupManager.backup(method, output: output, keep: keep)
    }

    /// Backups of the environment's database, in its backups directory.
    var backupManager: BackupManager {
        BackupManager(directory: environment.backupsDirectory, environment: environment.name, settings: environment.connection)
    }

    /// The backup taken before migrating, when `enabled`: it runs under the migration lock
    /// once there is something to apply; if it fails, nothing is migrated.
    func backupHook(enabled: Bool, announce: Bool) -> BackupHook {
        BackupHook(context: enabled ? self : nil, announce: announce)
    }

    /// `development (sqlite:db/development.sqlite3)`, with any password redacted.
    var environmentDescription: String {
        "\(environment.name) (\(environment.connection.redactedDescription))"
    }
}
