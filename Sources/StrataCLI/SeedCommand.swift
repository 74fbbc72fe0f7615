import ArgumentParser
import Strata

/// `strata seed [--undo] [--all] [--step N]`: seeders, tracked in `strata_seeds`.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Apply pending seeders (or revert them with --undo).",
        discussion: """
            Seeders are SQL files in the seeders directory (db/seeders), named and sectioned like \
            migrations, and tracked in their own history table, strata_seeds, so a seeder never \
            runs twice. They take the migrations' lock, so seeding never overlaps a migration.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Flag(help: "Revert seeders instead: the last one, --step N, or --all.")
    var undo = false

    @Flag(help: "With --undo: revert every applied seeder.")
    var all = false

    @Option(help: ArgumentHelp("Apply (or with --undo, revert) at most this many seeders.", valueName: "n"))
    var step: Int?

    @Flag(help: "Print what would run, and its SQL, without running it.")
    var dryRun = false

    @OptionGroup var resuming: ResumeOptions

    @Flag(help: "Proceed although an applied seeder's file changed since.")
    var allowChanged = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if all && !undo { throw ValidationError("--all goes with --undo.") }
        if all && step != nil { throw ValidationError("Give only one of --step and --all.") }
        if let step, step < 1 { throw ValidationError("--step must be 1 or more.") }
    }

    private var direction: MigrationDirection { undo ? .down : .up }
    private var target: MigrationPlanner.UndoTarget { all ? .all : .last(step ?? 1) }
    private var options: Migrator.MigrateOptions {
        Migrator.MigrateOptions(step: step, allowChanged: allowChanged, resume: resuming.resume, resumeFromStatement: resuming.fromStatement)
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        let seeder = try context.seeder(lockTimeout: lock.duration)
        if dryRun {
            let plan = undo
                ? try await seeder.undoPlan(target, allowChanged: allowChanged, resume: resuming.resume)
                : try await seeder.pendingPlan(options)
            if json { return try Console.json(RunReport(environment: context.environment.name, planned: plan, direction: direction)) }
            DryRunPrinter(quiet: global.quiet, noun: "seeder").print(plan, direction: direction, environment: context.environmentDescription)
            return
        }
        var printer = ProgressPrinter(silent: global.quiet || json)
        printer.appliedVerb = "seeded"
        if !printer.silent { Console.print("\(undo ? "Reverting seeders" : "Seeding") \(context.environmentDescription)") }
        let completed = undo
            ? try await seeder.undo(
                target, allowChanged: allowChanged, resume: resuming.resume, resumeFromStatement: resuming.fromStatement, progress: printer.handle
            )
            : try await seeder.migrate(options, progress: printer.handle)
        if json { return try Console.json(RunReport(environment: context.environment.name, completed: completed)) }
        guard !printer.silent else { return }
        if completed.isEmpty {
            Console.print(undo ? "Nothing to revert: no seeder is applied." : "Nothing to seed: every seeder is applied.")
        } else {
            Console.print("\(migrationCount(completed.count, noun: "seeder")) \(undo ? "reverted" : "applied").")
        }
    }
}

extension SeedCommand {
    /// `--all-tenants` / `--tenant`: each tenant seeded (or its seeders reverted) under its own lock.
    private func runOnTenants(_ context: CommandContext) async throws {
        let seeders = try context.loadSeeders()
        let (undo, dryRun, target, options, direction) = (self.undo, self.dryRun, self.target, self.options, self.direction)
        let (allowChanged, resume, from, lockTimeout) = (self.allowChanged, resuming.resume, resuming.fromStatement, lock.duration)
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet || json,
                             heading: dryRun ? "Dry run over" : undo ? "Reverting seeders in" : "Seeding",
                             doneWord: dryRun ? "planned" : undo ? "reverted" : "seeded")
        let report = try await fleet.run({ tenant -> TenantRun in
            let seeder = tenant.engine([], lockTimeout: lockTimeout).seeding(seeders)
            if dryRun {
                let plan = undo ? try await seeder.undoPlan(target, allowChanged: allowChanged, resume: resume) : try await seeder.pendingPlan(options)
                return TenantRun(planned: plan, direction: direction)
            }
            let progress = TenantRun.waitNotice(tenant)
            return TenantRun(completed: undo
                ? try await seeder.undo(target, allowChanged: allowChanged, resume: resume, resumeFromStatement: from, progress: progress)
                : try await seeder.migrate(options, progress: progress))
        }, line: { $0.line(applied: undo ? "reverted" : "applied", nothing: undo ? "no seeder to revert" : "every seeder applied", noun: "seeder") })
        if json { try Console.json(FleetReportJSON(environment: context.environment.name, report: report) { $0.report(environment: context.environment.name) }) }
        try fleet.finish(report, quietSummary: global.quiet || json)
    }
}
