import Foundation
import Logging
import Strata

/// An application's database as the `strata` command sees it — the same `strata.yml`,
/// environment and migrations — for the application to check, or migrate, as it starts.
///
/// The seed's rule is that an application never changes its schema while it runs: it is
/// migrated before it starts (`strata deploy -- App serve`). ``prepare(_:)`` with
/// ``StartupAction/check`` enforces that: the application refuses to start against a
/// database that is behind, naming the pending migrations and the command to run.
/// ``StartupAction/migrate`` applies them instead, for development.
///
/// ```swift
/// let database = try StrataDatabase(migrations: migrations)   // strata.yml, $STRATA_ENV
/// try await database.prepare(.check)
/// ```
///
/// The integrations do this for you: `StrataHummingbird` before the server starts, and
/// `StrataVapor` as a lifecycle handler.
public struct StrataDatabase: Sendable {
    /// The configuration the environment comes from.
    public let configuration: StrataConfiguration
    /// The environment's name, e.g. `production`.
    public let environmentName: String
    /// The application's Swift migrations, beside the SQL files of the migrations directory.
    public let migrations: MigrationRegistry
    /// The drivers to connect with.
    public let drivers: [any DatabaseDriver]
    /// Where runs log (the application's logger), with the environment in its metadata.
    public let logger: Logger
    /// How long a migrating start waits for another run's migration lock.
    public var lockTimeout: Duration = .seconds(60)
    /// The command line tool that runs this application's migrations, named in the start-up
    /// check's advice: `strata` (the default), the app's own migration executable (e.g.
    /// `.build/release/migrate`) when it has Swift migrations, or in a Vapor app
    /// `App strata`.
    public var toolCommand = "strata"

    /// The environment `environment` (else `$STRATA_ENV`, else `development`) of the
    /// configuration file at `configurationFile` (else `strata.yml` in the current directory,
    /// else the built-in default), with `migrations`.
    ///
    /// - Throws: `StrataError` (configuration) when the file, the environment or its
    ///   variables are wrong, as `strata` itself would report them.
    public init(
        migrations: MigrationRegistry = MigrationRegistry(unlocated: []),
        environment: String? = nil,
        configurationFile: String? = nil,
        drivers: [any DatabaseDriver] = StrataCLI.defaultDrivers,
        logger: Logger = Logger(label: Logger.strataLabel)
    ) throws {
        let variables = ProcessInfo.processInfo.environment
        let name = try StrataConfiguration.environmentName(explicit: environment, variables: variables)
        try self.init(
            configuration: try ConfigurationLoader.load(path: configurationFile), environmentName: name,
            migrations: migrations, drivers: drivers, logger: logger
        )
    }

    /// The database at `url` — from the application's own configuration — with the SQL
    /// migrations of `migrationsDirectory` and `migrations`.
    ///
    /// - Throws: `StrataError` (configuration) for a URL Strata cannot use, saying why.
    public init(
        url: String,
        migrations: MigrationRegistry = MigrationRegistry(unlocated: []),
        migrationsDirectory: String = "db/migrations",
        environment: String? = nil,
        drivers: [any DatabaseDriver] = StrataCLI.defaultDrivers,
        logger: Logger = Logger(label: Logger.strataLabel)
    ) throws {
        let name = try StrataConfiguration.environmentName(explicit: environment, variables: ProcessInfo.processInfo.environment)
        var configuration = StrataConfiguration.builtInDefault()
        configuration.migrations = StrataConfiguration.Value(migrationsDirectory)
        // Taken as given: a `${` in the application's URL is not a strata.yml variable.
        configuration.environments = [name: ["url": StrataConfiguration.Value(url.replacingOccurrences(of: "${", with: "$${"))]]
        try self.init(configuration: configuration, environmentName: name, migrations: migrations, drivers: drivers, logger: logger)
    }

    /// The environment `environmentName` of `configuration`.
    public init(
        configuration: StrataConfiguration, environmentName: String, migrations: MigrationRegistry,
        drivers: [any DatabaseDriver] = StrataCLI.defaultDrivers, logger: Logger = Logger(label: Logger.strataLabel)
    ) throws {
        self.configuration = configuration
        self.environmentName = environmentName
        self.migrations = migrations
        self.drivers = drivers
        // Resolved now, so that a wrong environment fails where the application is set up.
        self.logger = try CommandEnvironment.$drivers.withValue(drivers) {
            try CommandContext(configuration: configuration, environment: environmentName, variables: ProcessInfo.processInfo.environment, logger: logger)
        }.logger
    }

    /// Every migration with its state, as `strata status` lists them. Reads only.
    public func status() async throws -> [MigrationStatusEntry] {
        try await withContext { context in try await context.migrator().status() }
    }

    /// Refuses a database that is behind: throws when a migration is pending, dirty or being
    /// applied by another run. A migration applied here but unknown to this build (an older
    /// build started against a newer database) and one changed since it was applied are
    /// logged as warnings.
    ///
    /// - Throws: `StrataError` (`StrataError.Code.pending`, exit status 3) listing the
    ///   migrations and the command that applies them.
    public func checkUpToDate() async throws {
        let entries = try await status()
        for entry in entries where entry.state == .missing || entry.state == .changed {
            logger.warning("Migration \(entry.id) is \(entry.state.rawValue): \(entry.state == .missing ? "applied, but unknown to this build" : "its source changed since it was applied")")
        }
        let behind = entries.filter { [.pending, .dirty, .running].contains($0.state) }
        guard !behind.isEmpty else {
            logger.info("The database is up to date", metadata: ["applied": "\(entries.count { $0.state == .applied || $0.state == .baseline })"])
            return
        }
        throw behindError(behind)
    }

    /// Applies every pending migration under the migration lock, as `strata migrate` does,
    /// logging each; returns what it applied.
    @discardableResult
    public func migrate() async throws -> [CompletedMigration] {
        let lockTimeout = self.lockTimeout
        let completed = try await withContext { context in try await context.migrator(lockTimeout: lockTimeout).migrate() }
        logger.info(completed.isEmpty ? "Nothing to migrate" : "Applied \(completed.count) migration\(completed.count == 1 ? "" : "s")")
        return completed
    }

    /// Checks (``StartupAction/check``) or migrates (``StartupAction/migrate``) as the
    /// application starts.
    public func prepare(_ action: StartupAction) async throws {
        switch action {
        case .check: try await checkUpToDate()
        case .migrate: try await migrate()
        }
    }

    /// Runs `body` on a new connection to the database, closed after it: for a health check or
    /// a small tool. (A server's requests belong on its database library's pool.) The
    /// connection reads only — on SQLite it does not create a missing database file.
    public func withConnection<T: Sendable>(_ body: (any DatabaseConnection) async throws -> T) async throws -> T {
        try await withContext { context in
            let connection = try await context.driver.connect(context.environment.connection, for: .read, logger: logger)
            return try await connection.closeAfter { try await body(connection) }
        }
    }

    /// Runs `body` with the environment's context, over this database's drivers and migrations.
    private func withContext<T: Sendable>(_ body: (CommandContext) async throws -> T) async throws -> T {
        try await CommandEnvironment.$drivers.withValue(drivers) {
            try await CommandEnvironment.$registry.withValue(migrations) {
                let context = try CommandContext(
                    configuration: configuration, environment: environmentName, variables: ProcessInfo.processInfo.environment, logger: logger
                )
                return try await body(context)
            }
        }
    }

    /// The start-up refusal for the migrations `behind`.
    private func behindError(_ behind: [MigrationStatusEntry]) -> StrataError {
        let pending = behind.filter { $0.state == .pending }
        let others = behind.filter { $0.state != .pending }
        var lines = ["The database of environment \"\(environmentName)\" is behind this build's migrations; the application does not change its schema as it starts."]
        if !pending.isEmpty {
            lines.append("Pending (\(pending.count)):")
            lines += pending.map { "  \($0.id)" }
        }
        for entry in others {
            lines.append(entry.state == .running
                ? "  \(entry.id) is being applied by another run now."
                : "  \(entry.id) is dirty: a run stopped part-way through it (`strata status` says where).")
        }
        let command = { (verb: String) in "\(toolCommand) \(verb) --env \(environmentName)" }
        let hint = others.isEmpty
            ? "Run `\(command("migrate"))`, or start with `\(command("deploy")) -- <server command>`, then start the application again."
            : "Settle the migrations above (`\(command("status"))` says how), run `\(command("migrate"))`, then start the application again."
        return StrataError(.pending, lines.joined(separator: "\n"), hint: hint)
    }
}

/// What an application does about its migrations as it starts.
public enum StartupAction: String, Sendable, Hashable, CaseIterable {
    /// Refuse to start when the database is behind (the default, and what production wants).
    case check
    /// Apply the pending migrations, then start (for development).
    case migrate
}
