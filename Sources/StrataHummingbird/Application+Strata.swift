#if Hummingbird
import Hummingbird
import Logging
import Strata
import StrataCLI

extension Application {
    /// Checks — or, with `StartupAction.migrate`, migrates — the application's database
    /// before the server starts, with the configuration the `strata` command uses
    /// (`strata.yml` and `$STRATA_ENV`, or `environment`).
    ///
    /// ```swift
    /// var app = Application(router: router)
    /// app.prepareDatabase(.check, migrations: Migrations.all)
    /// try await app.runService()
    /// ```
    ///
    /// With `StartupAction.check` (the default) the server does not start when a migration
    /// is pending, dirty or being applied: `runService()` throws a `StrataError` with the
    /// code `StrataError.Code.pending` listing them and the command to run;
    /// `StrataCLI.reportError(_:)` prints it and gives exit status 3. The check logs
    /// through the application's logger.
    public mutating func prepareDatabase(
        _ action: StartupAction = .check,
        migrations: MigrationRegistry = MigrationRegistry(unlocated: []),
        environment: String? = nil,
        configurationFile: String? = nil
    ) {
        let logger = self.logger
        beforeServerStarts {
            let database = try StrataDatabase(
                migrations: migrations, environment: environment, configurationFile: configurationFile, logger: logger
            )
            try await database.prepare(action)
        }
    }

    /// Checks or migrates `database` before the server starts: for a database given by the
    /// application's own configuration, e.g. `StrataDatabase(url: config.databaseURL, …)`.
    public mutating func prepareDatabase(_ database: StrataDatabase, _ action: StartupAction = .check) {
        beforeServerStarts { try await database.prepare(action) }
    }
}
#else
/// StrataHummingbird was built without the `Hummingbird` trait. Enable it on Strata's
/// package line: `.package(url: "…/strata.git", from: "…", traits: ["Hummingbird"])`.
public enum StrataHummingbirdNeedsItsTrait {}
#endif
