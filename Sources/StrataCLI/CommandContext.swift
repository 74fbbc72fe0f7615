import Foundation
import Logging
import Strata

/// What a command works with once the global options are applied: the configuration, the
/// environment, its driver and a logger.
struct CommandContext: Sendable {
    let configuration: StrataConfiguration
    /// The environment; for a tenant, with the tenant's connection.
    private(set) var environment: ResolvedEnvironment
    private(set) var driver: any DatabaseDriver
    private(set) var logger: Logger
    /// The tenant this context works on, or `nil` for the environment's own database.
    private(set) var tenant: Tenant?

    /// The environment's SQL dialect without connecting: the driver's, for the server the
    /// environment names (MySQL's `flavor:`).
    var dialect: any SQLDialect {
        get throws { try driver.dialect(for: environment.connection) }
    }

    /// Applies `-C`, reads the configuration, picks the environment and its driver.
    ///
    /// `needsDatabase` is false for the commands that never connect (`generate`), and
    /// `tenants` the tenant options of a command that takes them: an environment that lists
    /// only tenants has no database of its own to work on without them.
    init(_ options: GlobalOptions, tenants: TenantOptions? = nil, needsDatabase: Bool = true) throws {
        if let directory = options.directory {
            guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                throw StrataError(.configuration, "Cannot change to directory \(directory) (-C): it does not exist or is not a directory.")
            }
        }
        let variables = ProcessInfo.processInfo.environment
        let configuration = try ConfigurationLoader.load(path: options.config)
        let name = try StrataConfiguration.environmentName(explicit: options.env, variables: variables)
        let logger = Logger(label: Logger.strataLabel) { StreamLogHandler.standardError(label: $0) }
        try self.init(configuration: configuration, environment: name, variables: variables, logger: logger, tenants: tenants, needsDatabase: needsDatabase)
        self.logger.logLevel = options.quiet ? .error : options.verbose ? .debug : environment.logging ? .info : .warning
    }

    /// The environment `name` of `configuration`, its driver, and `logger` with the
    /// environment's name in its metadata — for an application embedding Strata
    /// (``StrataDatabase``), which brings its own logger and never changes directory.
    init(
        configuration: StrataConfiguration, environment name: String, variables: [String: String], logger: Logger,
        tenants: TenantOptions? = nil, needsDatabase: Bool = true
    ) throws {
        self.configuration = configuration
        environment = try configuration.environment(named: name, variables: variables)
        if needsDatabase, !environment.hasOwnDatabase, !(tenants?.selected ?? false) {
            let options = tenants == nil ? "works on one database and does not take tenants" : "needs --all-tenants or --tenant NAME"
            throw StrataError.configuration(
                "Environment \"\(name)\" lists only tenants (`tenants:` at \(environment.tenants?.location ?? "its configuration")) and has no `url` of its own; this command \(options).",
                hint: "Run it with --all-tenants or --tenant NAME where the command takes them, or give the environment a `url:`. Nothing was done."
            )
        }
        driver = try Self.driver(for: environment.connection.dialect, environment: name)
        var logger = logger
        logger[metadataKey: "environment"] = "\(name)"
        self.logger = logger
    }

    /// The driver of `dialect`, among those of this build.
    private static func driver(for dialect: String, environment: String) throws -> any DatabaseDriver {
        guard let driver = CommandEnvironment.drivers.first(where: { $0.dialects.contains(dialect) }) else {
            let available = CommandEnvironment.drivers.flatMap(\.dialects).sorted().joined(separator: ", ")
            throw StrataError(
                .configuration,
                "This build of strata has no driver for \(dialect) (environment \"\(environment)\"); it supports: \(available).",
                hint: "Use a strata build that includes the \(dialect) driver, or point the environment at a supported database."
            )
        }
        return driver
    }

    /// This context for one tenant of the environment: the tenant's connection, its name in
    /// log lines, and no `schema_dump:` rewriting — a fleet's runs would race on the one file.
    func forTenant(_ tenant: Tenant) throws -> CommandContext {
        var context = self
        context.tenant = tenant
        context.environment.connection = tenant.connection
        context.environment.schemaDump = nil
        context.driver = try Self.driver(for: tenant.connection.dialect, environment: environment.name)
        context.logger[metadataKey: "tenant"] = "\(tenant.name)"
        return context
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

    /// A migrator for `migrate` and `undo`, whose first act is to read the database: its
    /// first connection opens while the files load (an `EarlyConnection`), so neither waits
    /// for the other.
    func migratorReadingFirst(lockTimeout: Duration) async throws -> Migrator {
        let (driver, settings, logger) = (self.driver, environment.connection, self.logger)
        let early = EarlyConnection { try await driver.connect(settings, for: .read, logger: logger) }
        let migrations: [LoadedMigration]
        do {
            migrations = try await loadMigrations()
        } catch {
            await early.discard()
            throw error
        }
        var migrator = engine(migrations, lockTimeout: lockTimeout)
        let connect = migrator.connect
        migrator.connect = { purpose in
            if purpose == .read, let connection = try await early.take() { return connection }
            return try await connect(purpose)
        }
        return migrator
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

    /// A migrator over the environment's database and `migrations`, loaded once for a whole
    /// fleet of tenants.
    func engine(_ migrations: [LoadedMigration], lockTimeout: Duration) -> Migrator {
        let driver = self.driver
        let settings = environment.connection
        return Migrator(
            migrations: migrations,
            connect: { [logger] purpose in try await driver.connect(settings, for: purpose, logger: logger) },
            lockTimeout: lockTimeout,
            logger: logger,
            logStatements: environment.logging,
            environment: environment.name
        )
    }

    /// Backs up the environment's database; returns the backup's path.
    func backup(output: String? = nil, keep: Int? = nil) async throws -> String {
        let method = try driver.backupMethod(environment.connection, logger: logger)
        return try await backupManager.backup(method, output: output, keep: keep)
    }

    /// Backups of the environment's database, in its backups directory.
    var backupManager: BackupManager {
        BackupManager(directory: environment.backupsDirectory, environment: backupLabel, settings: environment.connection)
    }

    /// The environment's name in backup file names; for a tenant, followed by `@` and the
    /// tenant's name made safe for a file name — `production@acme` — so the environment's own
    /// backups (`backup-production-…`) and each tenant's are kept and pruned apart.
    private var backupLabel: String {
        guard let tenant else { return environment.name }
        let safe = String(tenant.name.unicodeScalars.map { scalar -> Character in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "_.-".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
        })
        return "\(environment.name)@\(safe)"
    }

    /// The backup taken before migrating, when `enabled`: it runs under the migration lock
    /// once there is something to apply; if it fails, nothing is migrated.
    func backupHook(enabled: Bool, announce: Bool) -> BackupHook {
        BackupHook(context: enabled ? self : nil, announce: announce)
    }

    /// `development (sqlite:db/development.sqlite3)`, with any password redacted.
    var environmentDescription: String {
        if let tenant { return "tenant \(tenant.name) of \(environment.name) (\(environment.connection.redactedDescription))" }
        return "\(environment.name) (\(environment.connection.redactedDescription))"
    }
}
