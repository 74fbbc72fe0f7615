import ArgumentParser
import Strata

/// `strata migrate [--to VERSION] [--step N] [--dry-run]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending migrations, in version order.",
        discussion: """
            Takes the migration lock, then applies each pending migration with its history row \
            in one transaction. Refuses (exit 5) when an applied migration changed or is missing.

            With --atomic, every pending migration and its history row run in one transaction, \
            committed at the end: all or nothing, and on a fresh database many times faster. \
            PostgreSQL and SQLite only (MySQL and MariaDB commit DDL by themselves), and refused \
            when a pending migration is marked transaction:false.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Option(help: ArgumentHelp("Apply pending migrations up to and including this version.", valueName: "version"))
    var to: MigrationReference?

    @Option(help: ArgumentHelp("Apply at most this many migrations.", valueName: "n"))
    var step: Int?

    @Flag(help: "Print what would be applied, and its SQL, without applying it.")
    var dryRun = false

    @Flag(help: "Proceed although an applied migration's file changed since.")
    var allowChanged = false

    @Flag(help: "Proceed although an applied migration's file is gone.")
    var allowMissing = false

    @OptionGroup var resuming: ResumeOptions

    @Flag(help: "Back up before applying anything (as backup_before_migrate: true does).")
    var backup = false

    @Flag(help: "Apply every pending migration in one transaction: all or nothing.")
    var atomic = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if let step, step < 1 { throw ValidationError("--step must be 1 or more.") }
        if atomic, resuming.resume { throw ValidationError("--atomic cannot --resume: a dirty migration ran outside a transaction.") }
    }

    private var options: Migrator.MigrateOptions {
        Migrator.MigrateOptions(
            target: to, step: step, allowChanged: allowChanged, allowMissing: allowMissing,
            resume: resuming.resume, resumeFromStatement: resuming.fromStatement, transactions: atomic ? .atomic : .perMigration
        )
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        let migrator = try await context.migratorReadingFirst(lockTimeout: lock.duration)
        let options = self.options
        if dryRun {
            let plan = try await migrator.pendingPlan(options)
            if json { return try Console.json(RunReport(environment: context.environment.name, planned: plan, direction: .up)) }
            DryRunPrinter(quiet: global.quiet).print(plan, direction: .up, environment: context.environmentDescription)
            return
        }
        let printer = ProgressPrinter(silent: global.quiet || json)
        if !printer.silent { Console.print("Migrating \(context.environmentDescription)") }
        let hook = context.backupHook(enabled: backup || context.environment.backupBeforeMigrate, announce: !printer.silent)
        let completed = try await migrator.migrate(options, beforeApplying: hook.run, progress: printer.handle)
        try await context.refreshSchemaDump(afterChanging: !completed.isEmpty, quiet: printer.silent)
        if json { return try Console.json(RunReport(environment: context.environment.name, completed: completed)) }
        guard !printer.silent else { return }
        if completed.isEmpty {
            Console.print("Nothing to migrate: \(context.environment.name) is up to date.")
        } else if !atomic {
            Console.print("\(migrationCount(completed.count)) applied.")
        }
    }
}

extension MigrateCommand {
    /// `--all-tenants` / `--tenant`: each tenant migrated under its own lock, a few at a time.
    private func runOnTenants(_ context: CommandContext) async throws {
        let migrations = try await context.loadMigrations()
        let (options, dryRun, lockTimeout) = (self.options, self.dryRun, lock.duration)
        let backup = self.backup || context.environment.backupBeforeMigrate
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet || json,
                             heading: dryRun ? "Dry run over" : "Migrating", doneWord: dryRun ? "planned" : "migrated")
        let report = try await fleet.run({ tenant -> TenantRun in
            let migrator = tenant.engine(migrations, lockTimeout: lockTimeout)
            if dryRun { return TenantRun(planned: try await migrator.pendingPlan(options), direction: .up) }
            let hook = tenant.backupHook(enabled: backup, announce: false)
            return TenantRun(completed: try await migrator.migrate(options, beforeApplying: hook.run, progress: TenantRun.waitNotice(tenant)))
        }, line: { $0.line(applied: "applied", nothing: "up to date") })
        if json { try Console.json(FleetReportJSON(environment: context.environment.name, report: report) { $0.report(environment: context.environment.name) }) }
        try fleet.finish(report, quietSummary: global.quiet || json)
    }
}

/// Prints a `--dry-run` plan with each migration's SQL.
struct DryRunPrinter {
    let quiet: Bool
    /// `migration` or `seeder`.
    var noun = "migration"

    func print(_ plan: [LoadedMigration], direction: MigrationDirection, environment: String) {
        guard !quiet else { return }
        let verb = direction == .up ? "apply" : "revert"
        guard !plan.isEmpty else {
            Console.print("Dry run: nothing to \(verb) in \(environment).")
            return
        }
        Console.print("Dry run: would \(verb) \(migrationCount(plan.count, noun: noun)) in \(environment):")
        for migration in plan {
            let body = migration.body(direction)
            let transaction = body?.runsInTransaction == false ? ", without a transaction" : ""
            Console.print("== \(migration.id.version) \(migration.id.name) (\(migration.source)\(transaction))")
            for change in body?.program?.recordedChanges ?? [] {
                Console.print("   \(change.summary)")
            }
            for statement in body?.statements ?? [] {
                if let guardQuery = statement.skipIf { Console.print("   -- skipped if: \(guardQuery)") }
                Console.print("   " + statement.text.replacing("\n", with: "\n   ") + ";")
            }
        }
        Console.print("Nothing was changed.")
    }
}
