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

    @Option(help: ArgumentHelp("Keep only the newest N backups of the environment (of each tenant, with tenants).", valueName: "n"))
    var keep: Int?

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be 1 or more.") }
        if output != nil, tenants.selected { throw ValidationError("--output names one file; with tenants, each tenant's backup goes into the backups directory.") }
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected {
            // Each tenant's file is named `backup-ENV@TENANT-…`: kept, pruned and restored apart.
            let keep = self.keep
            let fleet = FleetRun(context: context, options: tenants, silent: global.quiet, heading: "Backing up", doneWord: "backed up")
            let report = try await fleet.run({ tenant in try await tenant.backup(keep: keep) }, line: { "backed up to \($0)" })
            return try fleet.finish(report, quietSummary: global.quiet)
        }
        let path = try await context.backup(output: output, keep: keep)
        if !global.quiet { Console.print("Backed up \(context.environmentDescription) to \(path)") }
    }
}

/// `strata restore FILE [--yes] [--allow-other-database]`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into the environment's database, keeping a safety copy of what it replaces.",
        discussion: """
            Nothing is touched until the file passed every check: the manifest `strata backup` \
            writes beside each backup (size, SHA-256, engine, environment, database), else the \
            format's own signature (SQLite's header and quick_check, pg_dump's PGDMP archive, \
            mariadb-dump's header and trailer), and gzip's check for a compressed file. A \
            refused file exits 2. The database as it was is then backed up into \
            before-restore-ENV-….EXT in the backups directory, and replaced: SQLite by one \
            rename, PostgreSQL by pg_restore in one transaction — a failure changes nothing. \
            MySQL/MariaDB cannot roll back DDL: the dump is loaded into a scratch database \
            first, and the safety copy is the way back if the real load fails. Asks for \
            confirmation; --yes skips it, and is required in production and without a terminal.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup file.", valueName: "file"))
    var file: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Restore a backup of another environment or database (its manifest or dump names it).")
    var allowOtherDatabase = false

    @Option(help: ArgumentHelp("Restore into this tenant of the environment (its `tenants:`).", valueName: "name"))
    var tenant: String?

    func run() async throws {
        let environmentContext = try CommandContext(global, needsDatabase: tenant == nil)
        var context = environmentContext
        if let tenant { context = try await environmentContext.forTenant(named: tenant) }
        let target = context.environmentDescription
        if !yes, context.environment.name == "production" {
            throw StrataError(.configuration, "Refusing to restore into the production database without --yes.",
                              hint: "Run `strata restore \(file) --env production\(tenant.map { " --tenant \($0)" } ?? "") --yes` if you mean it.")
        }
        let (driver, settings, logger) = (context.driver, context.environment.connection, context.logger)
        // Asked only once the file passed its checks: nobody agrees to restore a file that is then refused.
        let outcome = try await context.backupManager.restore(
            file, method: try driver.restoreMethod(settings, logger: logger),
            safetyCopy: { try driver.backupMethod(settings, logger: logger) },
            allowOtherDatabase: allowOtherDatabase
        ) { [yes, file] contents in
            guard !yes else { return }
            guard Console.confirm("Restore \(file) (a \(contents.format)) into \(target)? Its current data will be replaced. Type yes to go on: ") else {
                throw StrataError(.configuration, "Restore cancelled; nothing was changed.",
                                  hint: "Answer yes at the prompt, or pass --yes in scripts.")
            }
        }
        guard !global.quiet else { return }
        let checked = outcome.hadManifest ? "checked against its manifest" : "checked as a \(outcome.contents.format)"
        Console.print("Restored \(file) (\(checked)) into \(target).")
        if let copy = outcome.safetyCopy {
            Console.print("The database as it was is kept in \(copy).")
        } else {
            Console.print("There was no database before, so there is no safety copy.")
        }
    }
}
