import ArgumentParser
import Strata

/// `strata baseline [VERSION] [--dry-run] [--json]`: adopts an existing database.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record migrations as applied without running them, to adopt an existing database.",
        discussion: """
            Records every migration up to and including VERSION (default: the newest one) as applied, \
            under the migration lock and in one transaction, without running it: the database already \
            has what they create. `status` shows them as baseline, and `undo` refuses to revert them \
            unless given --allow-baseline, since their down sections never ran on this database. \
            Refuses (exit 5, nothing recorded) when one of them is already applied or dirty, or \
            VERSION names no migration.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Argument(help: ArgumentHelp("The last migration to record (default: the newest).", valueName: "version"))
    var version: MigrationReference?

    @Flag(help: "Print what would be recorded, and record nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = try CommandContext(global)
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let recorded = dryRun ? try await migrator.baselinePlan(upTo: version) : try await migrator.baseline(upTo: version)
        try await context.refreshSchemaDump(afterChanging: !dryRun && !recorded.isEmpty, quiet: global.quiet || json)
        if json { return try Console.json(AdoptionReport(environment: context.environment.name, dryRun: dryRun, recorded: recorded)) }
        guard !global.quiet else { return }
        guard !recorded.isEmpty else { return Console.print("Nothing to baseline: there are no migrations.") }
        Console.print("\(dryRun ? "Dry run: would record" : "Recorded") \(migrationCount(recorded.count)) as baseline in \(context.environmentDescription), without running them:")
        for migration in recorded { Console.print("== \(migration.id.version) \(migration.id.name): baseline") }
        if dryRun { Console.print("Nothing was changed.") }
    }
}

/// The JSON printed by `baseline` and `import` with `--json`.
struct AdoptionReport: Encodable {
    struct Entry: Encodable {
        let version: String
        let name: String
    }

    struct Unmatched: Encodable {
        let entry: String
        let reason: String
        let closest: String?
    }

    let environment: String
    let dry_run: Bool
    let recorded: [Entry]
    let already_recorded: [Entry]?
    let unmatched: [Unmatched]?

    init(environment: String, dryRun: Bool, recorded: [LoadedMigration], imported: ImportedHistory? = nil) {
        self.environment = environment
        dry_run = dryRun
        self.recorded = recorded.map { Entry(version: $0.id.version.digits, name: $0.id.name) }
        already_recorded = imported?.alreadyRecorded.map { Entry(version: $0.id.version.digits, name: $0.id.name) }
        unmatched = imported?.unmatched.map { Unmatched(entry: $0.entry, reason: $0.reason, closest: $0.closest?.source) }
    }
}
