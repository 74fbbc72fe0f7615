import ArgumentParser

/// The root command: `strata <subcommand>`.
struct StrataCommand: AsyncParsableCommand {
    /// The version `strata --version` prints.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "Database migrations for Swift server applications.",
        discussion: """
            Timestamped SQL migrations with a history table, checksums and a lock, on SQLite, \
            PostgreSQL and MySQL/MariaDB; seeders, backups and a deploy command.
            Exit status: 0 ok, 1 failure, 2 usage or configuration error, 3 pending migrations \
            (status --exit-code), 4 lock timeout, 5 refused (changed, missing, dirty, irreversible or baselined migration).
            """,
        version: StrataCommand.version,
        subcommands: [
            InitCommand.self, GenerateCommand.self, MigrateCommand.self, UndoCommand.self,
            RedoCommand.self, StatusCommand.self, ResolveCommand.self, SeedCommand.self, BackupCommand.self, RestoreCommand.self,
            DeployCommand.self, WaitCommand.self, DatabaseCommand.self, BaselineCommand.self, ImportCommand.self, SchemaCommand.self, VerifyCommand.self, LintCommand.self,
        ]
    )
}
