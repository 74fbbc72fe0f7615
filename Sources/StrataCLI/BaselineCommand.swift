import ArgumentParser
import Foundation
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

    @Option(help: ArgumentHelp(
        "Write a migration NAME whose up section creates the database's schema as it is, and record it as baseline.",
        valueName: "name"
    ))
    var fromDatabase: String?

    @Flag(help: "Print what would be recorded, and record nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if fromDatabase != nil, version != nil { throw ValidationError("Give either VERSION or --from-database NAME, not both.") }
        if fromDatabase != nil, tenants.selected {
            throw ValidationError("--from-database writes one migration from one database; run it without --all-tenants or --tenant, then `baseline --all-tenants`.")
        }
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        if let name = fromDatabase { return try await baselineFromDatabase(name, context: context) }
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

extension BaselineCommand {
    /// `--all-tenants` / `--tenant`: the same baseline recorded in each tenant.
    private func runOnTenants(_ context: CommandContext) async throws {
        let migrations = try await context.loadMigrations()
        let (version, dryRun, lockTimeout) = (self.version, self.dryRun, lock.duration)
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet || json,
                             heading: dryRun ? "Dry run over" : "Baselining", doneWord: dryRun ? "planned" : "baselined")
        let report = try await fleet.run({ tenant in
            let migrator = tenant.engine(migrations, lockTimeout: lockTimeout)
            return dryRun ? try await migrator.baselinePlan(upTo: version) : try await migrator.baseline(upTo: version)
        }, line: { recorded in
            recorded.isEmpty ? "nothing to baseline" : "\(dryRun ? "would record" : "recorded") \(migrationCount(recorded.count)) as baseline"
        })
        if json {
            try Console.json(FleetReportJSON(environment: context.environment.name, report: report) {
                AdoptionReport(environment: context.environment.name, dryRun: dryRun, recorded: $0)
            })
        }
        try fleet.finish(report, quietSummary: global.quiet || json)
    }

    /// `--from-database NAME`: a database built without migrations (an ORM's `sync`, by
    /// hand) gets one migration holding its schema, recorded as baseline. Only for a project
    /// whose history and migrations directory are empty: the new migration starts both.
    private func baselineFromDatabase(_ name: String, context: CommandContext) async throws {
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let status = try await migrator.status()
        guard status.isEmpty else {
            throw StrataError(.refused, "Refusing to write a migration from the database: the project already has migrations (\(status.count), from \(status[0].id)). Nothing was written.",
                              hint: "--from-database starts the migration history of a database that has none; use `strata baseline` to record existing migrations.")
        }
        let content = try await context.schemaDumps(lockTimeout: lock.duration).migrationFromDatabase(environment: context.environment.name)
        let generator = MigrationGenerator(directory: context.environment.migrationsDirectory, dialect: try context.dialect)
        if dryRun {
            if json { return try Console.json(AdoptionReport(environment: context.environment.name, dryRun: true, recorded: [])) }
            Console.print("Dry run: would write \(context.environment.migrationsDirectory)/VERSION-\(name).sql, record it as baseline, and change nothing else:\n")
            Console.print(content)
            return
        }
        let path = try generator.write(name: name, content: content)
        let recorded: [LoadedMigration]
        do {
            recorded = try await context.migrator(lockTimeout: lock.duration).baseline(upTo: nil)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        try await context.refreshSchemaDump(afterChanging: true, quiet: global.quiet || json)
        if json { return try Console.json(AdoptionReport(environment: context.environment.name, dryRun: false, recorded: recorded)) }
        guard !global.quiet else { return }
        Console.print("Wrote \(path) from the schema of \(context.environmentDescription), and recorded it as baseline.")
        Console.print("Read it and commit it: on a new database, `strata migrate` creates this schema from it.")
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
