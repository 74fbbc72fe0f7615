import ArgumentParser
import Strata

/// `strata redo [--step N]`: undo then migrate again — the check that a rollback works.
struct RedoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redo",
        abstract: "Revert the last migration(s) and apply them again, under one lock."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Option(help: ArgumentHelp("Redo this many migrations.", valueName: "n"))
    var step: Int = 1

    @Flag(help: "Redo even if a migration's file changed since it was applied.")
    var allowChanged = false

    @Flag(help: "Redo baselined migrations too (recorded by baseline or import; their down sections never ran here).")
    var allowBaseline = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if step < 1 { throw ValidationError("--step must be 1 or more.") }
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let printer = ProgressPrinter(silent: global.quiet || json)
        if !printer.silent { Console.print("Redoing in \(context.environmentDescription)") }
        let completed = try await migrator.redo(step: step, allowChanged: allowChanged, allowBaseline: allowBaseline, progress: printer.handle)
        try await context.refreshSchemaDump(afterChanging: !completed.isEmpty, quiet: printer.silent)
        if json { return try Console.json(RunReport(environment: context.environment.name, completed: completed)) }
        guard !printer.silent else { return }
        Console.print(completed.isEmpty ? "Nothing to redo: no migration is applied." : "\(migrationCount(completed.count / 2)) redone.")
    }
}

extension RedoCommand {
    /// `--all-tenants` / `--tenant`: the same redo on each tenant, under its own lock.
    private func runOnTenants(_ context: CommandContext) async throws {
        let migrations = try await context.loadMigrations()
        let (step, allowChanged, allowBaseline, lockTimeout) = (self.step, self.allowChanged, self.allowBaseline, lock.duration)
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet || json, heading: "Redoing in", doneWord: "redone")
        let report = try await fleet.run({ tenant -> TenantRun in
            TenantRun(completed: try await tenant.engine(migrations, lockTimeout: lockTimeout).redo(
                step: step, allowChanged: allowChanged, allowBaseline: allowBaseline, progress: TenantRun.waitNotice(tenant)
            ))
        }, line: { $0.line(applied: "redone", nothing: "nothing to redo: no migration is applied", count: $0.completed.count / 2) })
        if json { try Console.json(FleetReportJSON(environment: context.environment.name, report: report) { $0.report(environment: context.environment.name) }) }
        try fleet.finish(report, quietSummary: global.quiet || json)
    }
}
