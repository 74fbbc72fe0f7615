#if Vapor
import Foundation
import Strata
import StrataCLI
import Vapor

extension Application {
    /// Strata in this application: ``Strata/use(migrations:onServe:environment:configurationFile:)``
    /// once in `configure`, then the start-up check and `App strata …` work.
    public var strata: Strata { Strata(application: self) }

    /// Strata's part of a Vapor application: its database, the start-up check as the
    /// application serves, and the `strata` command.
    public struct Strata: Sendable {
        /// The application.
        public let application: Application

        /// Sets Strata up in one line of `configure`:
        ///
        /// ```swift
        /// try app.strata.use(migrations: Migrations.all)
        /// ```
        ///
        /// - the database is the one `strata` itself would use: `strata.yml` (or
        ///   `configurationFile`), in the environment `environment`, else `$STRATA_ENV`,
        ///   else the Vapor environment's name (`testing` read as `test` where `strata.yml`
        ///   has `test` but no `testing`);
        /// - as the application starts serving (`App`, `App serve`), a lifecycle handler
        ///   checks the database (`StartupAction.check`: the server does not start while a
        ///   migration is pending, and the error lists them) or migrates it
        ///   (`StartupAction.migrate`, for development); other commands are left alone;
        /// - `App strata <command>` runs any `strata` command — `migrate`, `status`, `undo`,
        ///   `verify` … — over the application's Swift migrations and SQL files, so the app
        ///   needs no second executable.
        ///
        /// - Throws: `StrataError` (configuration) for a wrong configuration file or
        ///   environment, as `strata` reports it.
        public func use(
            migrations: MigrationRegistry = MigrationRegistry(unlocated: []),
            onServe action: StartupAction = .check,
            environment: String? = nil,
            configurationFile: String? = nil
        ) throws {
            let configuration = try ConfigurationLoader.load(path: configurationFile)
            let name = try StrataConfiguration.environmentName(
                explicit: environment ?? Self.environmentName(for: application.environment, in: configuration),
                variables: ProcessInfo.processInfo.environment
            )
            var database = try StrataDatabase(
                configuration: configuration, environmentName: name, migrations: migrations, logger: application.logger
            )
            database.toolCommand = "\(CommandLine.arguments.first ?? "App") strata"
            application.storage[DatabaseKey.self] = database
            application.lifecycle.use(StrataLifecycleHandler(action: action))
            application.asyncCommands.use(StrataVaporCommand(), as: "strata")
        }

        /// The database set up by ``use(migrations:onServe:environment:configurationFile:)``.
        ///
        /// - Throws: `StrataError` (configuration) when `use` was not called.
        public var database: StrataDatabase {
            get throws {
                guard let database = application.storage[DatabaseKey.self] else {
                    throw StrataError.configuration(
                        "Strata is not set up in this application.",
                        hint: "Call `try app.strata.use(migrations: …)` in configure(_:)."
                    )
                }
                return database
            }
        }

        /// The Strata environment for a Vapor environment: `STRATA_ENV` when set, else the
        /// Vapor environment's name — `testing` read as `test` when the configuration has
        /// `test` and no `testing`.
        static func environmentName(for environment: Environment, in configuration: StrataConfiguration) -> String? {
            if ProcessInfo.processInfo.environment["STRATA_ENV"] != nil { return nil }
            let name = environment.name
            if name == Environment.testing.name, configuration.environments[name] == nil, configuration.environments["test"] != nil {
                return "test"
            }
            return name
        }

        private struct DatabaseKey: StorageKey {
            typealias Value = StrataDatabase
        }
    }
}

/// Checks or migrates the database as the application boots to serve.
struct StrataLifecycleHandler: LifecycleHandler {
    let action: StartupAction

    func willBootAsync(_ application: Application) async throws {
        guard Self.serves(application) else { return }
        try await application.strata.database.prepare(action)
    }

    func willBoot(_ application: Application) throws {
        guard Self.serves(application) else { return }
        throw StrataError.configuration(
            "StrataVapor checks the database with Vapor's async API, and this application booted with the synchronous one.",
            hint: "Create the application with `try await Application.make(env)` and run it with `try await app.execute()`."
        )
    }

    /// Whether the application is about to serve: its command is `serve`, the default, and
    /// it was not asked for help.
    static func serves(_ application: Application) -> Bool {
        let arguments = application.environment.commandInput.arguments
        if arguments.contains(where: { ["--help", "-h", "--autocomplete"].contains($0) }) { return false }
        guard let command = arguments.first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }
}

/// `App strata <command> …`: the whole `strata` command line inside the Vapor application.
struct StrataVaporCommand: AnyAsyncCommand {
    var help: String { "Strata's database migrations: migrate, status, undo, redo, verify, lint … (`strata --help`)." }

    func run(using context: inout CommandContext) async throws {
        try await runStrata(context.input.arguments, context: context)
    }

    func outputHelp(using context: inout CommandContext) throws {
        // Vapor took `--help` out of the arguments: strata's help for what is left.
        context.console.print(StrataCLI.helpText(arguments: context.input.arguments))
    }

    private func runStrata(_ arguments: [String], context: CommandContext) async throws {
        var arguments = arguments
        // ConsoleKit takes `--yes`/`-y` for itself and says so in `confirmOverride`; it goes
        // back before a `--`, after which the words are a server command's.
        if context.console.confirmOverride == true { arguments.insert("--yes", at: arguments.firstIndex(of: "--") ?? arguments.endIndex) }
        try await runStrata(arguments, application: context.application)
    }

    private func runStrata(_ arguments: [String], application: Application) async throws {
        let database = try application.strata.database
        // Vapor took `--env` for its own environment, which named the Strata environment.
        let status = await StrataCLI.run(
            arguments: ["--env", database.environmentName] + arguments, migrations: database.migrations, drivers: database.drivers
        )
        if status != 0 {
            // The message is printed; the exit status is strata's documented one.
            fflush(nil)
            exit(status)
        }
    }
}
#else
/// StrataVapor was built without the `Vapor` trait. Enable it on Strata's package line:
/// `.package(url: "…/strata.git", from: "…", traits: ["Vapor"])`.
public enum StrataVaporNeedsItsTrait {}
#endif
