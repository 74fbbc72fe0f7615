import ArgumentParser
import Strata

/// `strata undo [--step N] [--to VERSION] [--all]`.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert applied migrations, newest first (default: the last one).",
        discussion: """
            --to VERSION reverts every migration newer than VERSION and leaves VERSION applied, \
            as `migrate --to VERSION` would leave it. Refuses (exit 5) to revert a migration whose \
            file changed or is gone, or that has no down section.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Option(help: ArgumentHelp("Revert this many migrations.", valueName: "n"))
    var step: Int?

    @Option(help: ArgumentHelp("Revert the migrations newer than this version.", valueName: "version"))
    var to: MigrationReference?

    @Flag(help: "Revert every applied migration.")
    var all = false

    @Flag(help: "Print what would be reverted, and its SQL, without reverting it.")
    var dryRun = false

    @Flag(help: "Revert even if a migration's file changed since it was applied.")
    var allowChanged = false

    @Flag(help: "Revert baselined migrations too (recorded by baseline or import; their down sections never ran here).")
    var allowBaseline = false

    @OptionGroup var resuming: ResumeOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if [step != nil, to != nil, all].filter({ $0 }).count > 1 {
            throw ValidationError("Give only one of --step, --to and --all.")
        }
        if let step, step < 1 { throw ValidationError("--step must be 1 or more.") }
    }

    var target: MigrationPlanner.UndoTarget {
        if all { return .all }
        if let to { return .to(to) }
        return .last(step ?? 1)
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        let migrator = try await context.migratorReadingFirst(lockTimeout: lock.duration)
        if dryRun {
            let plan = try await migrator.undoPlan(target, allowChanged: allowChanged, resume: resuming.resume, allowBaseline: allowBaseline)
            if json { return try Console.json(RunReport(environment: context.environment.name, planned: plan, direction: .down)) }
            DryRunPrinter(quiet: global.quiet).print(plan, direction: .down, environment: context.environmentDescription)
            return
        }
        let printer = ProgressPrinter(silent: global.quiet || json)
        if !printer.silent { Console.print("Reverting in \(context.environmentDescription)") }
        let completed = try await migrator.undo(
            target, allowChanged: allowChanged, resume: resuming.resume, resumeFromStatement: resuming.fromStatement,
            allowBaseline: allowBaseline, progress: printer.handle
        )
        try await context.refreshSchemaDump(afterChanging: !completed.isEmpty, quiet: printer.silent)
        if json { return try Console.json(RunReport(environment: context.environment.name, completed: completed)) }
        guard !printer.silent else { return }
        guard completed.isEmpty else { return Console.print("\(migrationCount(completed.count)) reverted.") }
        if let to {
            Console.print("Nothing to undo: no migration newer than \(to) is applied.")
        } else {
            Console.print("Nothing to undo: no migration is applied.")
        }
    }
}

extension UndoCommand {
    /// `--all-tenants` / `--tenant`: the same undo on each tenant, under its own lock.
    private func runOnTenants(_ context: CommandContext) async throws {
        let migrations = try await context.loadMigrations()
        let (target, dryRun, lockTimeout) = (self.target, self.dryRun, lock.duration)
        let (allowChanged, allowBaseline, resume, from) = (self.allowChanged, self.allowBaseline, resuming.resume, resuming.fromStatement)
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet || json,
                             heading: dryRun ? "Dry run over" : "Reverting in", doneWord: dryRun ? "planned" : "reverted")
        let report = try await fleet.run({ tenant -> TenantRun in
            let migrator = tenant.engine(migrations, lockTimeout: lockTimeout)
            if dryRun {
                return TenantRun(planned: try await migrator.undoPlan(target, allowChanged: allowChanged, resume: resume, allowBaseline: allowBaseline),
                                 direction: .down)
            }
            return TenantRun(completed: try await migrator.undo(
                target, allowChanged: allowChanged, resume: resume, resumeFromStatement: from, allowBaseline: allowBaseline,
                progress: TenantRun.waitNotice(tenant)
            ))
        }, line: { $0.line(applied: "reverted", nothing: "nothing to undo") })
        if json { try Console.json(FleetReportJSON(environment: context.environment.name, report: report) { $0.report(environment: context.environment.name) }) }
        try fleet.finish(report, quietSummary: global.quiet || json)
    }
}
