import ArgumentParser
import Strata

/// `strata import sequelize|schema-migrations [--table T] [--allow-unmatched] [--dry-run] [--json]`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Take over another migration tool's history: its applied migrations become baseline.",
        discussion: """
            sequelize: reads sequelize-cli's SequelizeMeta table (one row per applied file, e.g. \
            20250519123045-create-users.js). schema-migrations: reads the schema_migrations table of \
            dbmate, Rails or golang-migrate (one row per applied version; golang-migrate's single \
            row with a dirty column means every migration up to it, and a dirty row is refused). \
            Each row is matched to the Strata migration with the same version (and name), and the \
            matches are recorded as baseline in one transaction. A row that matches nothing is \
            listed with the closest migration and nothing is recorded (exit 5), unless \
            --allow-unmatched. The other tool's table is only read.
            """
    )

    enum Tool: String, ExpressibleByArgument, CaseIterable {
        case sequelize
        case schemaMigrations = "schema-migrations"
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Argument(help: ArgumentHelp("Whose history: sequelize or schema-migrations.", valueName: "tool"))
    var tool: Tool

    @Option(help: ArgumentHelp("The history table (default: SequelizeMeta, or schema_migrations).", valueName: "name"))
    var table: String?

    @Flag(help: "Record the rows that match and leave the others, instead of refusing.")
    var allowUnmatched = false

    @Flag(help: "Print what would be recorded, and record nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let table, table.isEmpty { throw ValidationError("--table needs a table name.") }
    }

    var source: ForeignHistorySource {
        switch tool {
        case .sequelize: table.map { .sequelize(table: $0) } ?? .sequelize()
        case .schemaMigrations: table.map { .schemaMigrations(table: $0) } ?? .schemaMigrations()
        }
    }

    func run() async throws {
        let context = try CommandContext(global)
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let imported = dryRun
            ? try await migrator.importPlan(from: source)
            : try await migrator.importHistory(from: source, allowUnmatched: allowUnmatched)
        let recorded = dryRun && !allowUnmatched && !imported.unmatched.isEmpty ? [] : imported.matched
        try await context.refreshSchemaDump(afterChanging: !dryRun && !recorded.isEmpty, quiet: global.quiet || json)
        if json {
            return try Console.json(AdoptionReport(environment: context.environment.name, dryRun: dryRun, recorded: recorded, imported: imported))
        }
        guard !global.quiet else { return }
        Console.print("Import of \(source.table) (\(source.tool)) into \(context.environmentDescription):")
        for migration in imported.matched { Console.print("== \(migration.id.version) \(migration.id.name): \(dryRun ? "would be " : "")baseline") }
        for migration in imported.alreadyRecorded { Console.print("   \(migration.id.version) \(migration.id.name): already recorded") }
        for row in imported.unmatched {
            Console.print("   \(row.entry): not imported: \(row.reason)" + (row.closest.map { " (closest: \($0.source))" } ?? ""))
        }
        if dryRun, !imported.unmatched.isEmpty, !allowUnmatched {
            let rows = imported.unmatched.count == 1 ? "1 row matches" : "\(imported.unmatched.count) rows match"
            Console.print("Dry run: the import would be refused, since \(rows) no migration; pass --allow-unmatched to record the rest.")
        } else {
            let done = dryRun ? "Dry run: would record" : "Recorded"
            Console.print("\(done) \(migrationCount(recorded.count)) as baseline\(dryRun ? "; nothing was changed" : ""). \(source.table) was left as it is.")
        }
    }
}
