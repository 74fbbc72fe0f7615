import ArgumentParser
import Strata

/// `strata backup [--output PATH] [--keep N]`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the environment's database into the backups directory.",
        discussion: """
            PostgreSQL: pg_dump (custom format). MySQL/MariaDB: mariadb-dump --single-transaction \
            --routines --triggers, gzipped. SQLite: an online copy (VACUUM INTO), gzipped. Passwords \
            go through the environment, never the command line. The file is written under a \
            temporary name and renamed only once complete; files are 0600, the directory 0700.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Write the backup to this path instead.", valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("Keep only the newest N backups of the environment.", valueName: "n"))
    var keep: Int?

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be 1 or more.") }
    }

    func run() async throws {
        let context = try CommandContext(global)
        let path = try await context.backup(output: output, keep: keep)
        if !global.quiet { Console.print("Backed up \(context.environmentDescription) to \(path)") }
    }
}

/// `strata restore FILE [--yes]`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by `strata backup` into the environment's database.",
        discussion: "Asks for confirmation; --yes skips it, and is required in production and without a terminal."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup file.", valueName: "file"))
    var file: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        let context = try CommandContext(global)
        let target = context.environmentDescription
        if !yes {
            if context.environment.name == "production" {
                throw StrataError(.configuration, "Refusing to restore into the production database without --yes.",
                                  hint: "Run `strata restore \(file) --env production --yes` if you mean it.")
            }
            guard Console.confirm("Restore \(file) into \(target)? Its current data will be replaced. Type yes to go on: ") else {
                throw StrataError(.configuration, "Restore cancelled; nothing was changed.",
                                  hint: "Answer yes at the prompt, or pass --yes in scripts.")
            }
        }
        let method = try context.driver.restoreMethod(context.environment.connection, logger: context.logger)
        try await BackupManager(directory: context.environment.backupsDirectory, environment: context.environment.name)
            .restore(file, method: method)
        if !global.quiet { Console.print("Restored \(file) into \(target).") }
    }
}
