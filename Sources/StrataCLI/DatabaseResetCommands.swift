import ArgumentParser
import Foundation
import Strata

extension DatabaseCommand {
    /// `strata db reset`: drop, create, then load the schema dump or migrate.
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Drop the database, create it again and bring it to the newest migration.",
            discussion: """
                When a template of the database at these very migrations was kept by an earlier reset, \
                the database is cloned from it: a file copy on SQLite, CREATE DATABASE … TEMPLATE on \
                PostgreSQL (not with schema:). Otherwise the schema dump (--schema, else the environment's \
                schema_dump, else db/schema.sql, when the file exists) is loaded when it records the oldest \
                migrations with their files unchanged, and the migrations newer than it are applied after \
                it; else every migration is applied — in one transaction on PostgreSQL and SQLite, unless \
                one is marked transaction:false — and the result is kept as the template (--no-template: \
                not). Everything in the database is lost: refused in production without --yes.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ResetOptions
        @OptionGroup var tenants: TenantOptions

        func run() async throws {
            let context = try CommandContext(global, tenants: tenants)
            if tenants.selected { return try await runOnTenants(context) }
            let reset = try await options.reset(context, command: "db reset")
            let printer = ProgressPrinter(silent: global.quiet)
            if !printer.silent {
                Console.print("Resetting \(context.environmentDescription)")
                try await ResetPrinter.announce(reset)
            }
            let outcome = try await reset.reset(progress: printer.handle)
            try await context.refreshSchemaDump(afterChanging: !outcome.applied.isEmpty, quiet: printer.silent)
            if !printer.silent { ResetPrinter.print(outcome, environment: context.environment.name) }
        }
    }

    /// `strata db prepare`: nothing when the database is current, else the least that makes it so.
    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prepare",
            abstract: "Bring the database to the newest migration with the least work: before a test suite, in CI.",
            discussion: """
                Does nothing when every migration is applied. When only migrations newer than every \
                applied one are pending, applies them (in one transaction where the engine allows) and \
                keeps the data. When the database is missing or empty, or migrating cannot settle it — a \
                migration changed, is missing or dirty, or is pending before applied ones — rebuilds it \
                as `db reset` does, losing its data. Refuses a database that has tables but no history, \
                and production without --yes.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ResetOptions
        @OptionGroup var tenants: TenantOptions

        func run() async throws {
            let context = try CommandContext(global, tenants: tenants)
            if tenants.selected { return try await runOnTenants(context) }
            let reset = try await options.reset(context, command: "db prepare")
            let printer = ProgressPrinter(silent: global.quiet)
            let step = try await reset.preparationStep()
            if !printer.silent {
                switch step {
                case .nothing: Console.print("\(context.environmentDescription) is up to date; nothing was changed.")
                case .migrate: Console.print("Migrating \(context.environmentDescription)")
                case .reset(let reason):
                    Console.print("Resetting \(context.environmentDescription): \(reason)")
                    try await ResetPrinter.announce(reset)
                }
            }
            switch try await reset.prepare(step, progress: printer.handle) {
            case .upToDate:
                break
            case .migrated(let applied, let atomically):
                try await context.refreshSchemaDump(afterChanging: !applied.isEmpty, quiet: printer.silent)
                if !printer.silent, !atomically { Console.print("\(migrationCount(applied.count)) applied.") }
            case .reset(let outcome, _):
                try await context.refreshSchemaDump(afterChanging: !outcome.applied.isEmpty, quiet: printer.silent)
                if !printer.silent { ResetPrinter.print(outcome, environment: context.environment.name) }
            }
        }
    }
}

/// What `db reset` and `db prepare` take: where the schema dump is, whether templates are
/// used, the lock timeout, and the confirmation production needs.
struct ResetOptions: ParsableArguments {
    @OptionGroup var lock: LockOptions

    @Flag(help: "Confirm resetting a production database (db prepare may reset it).")
    var yes = false

    @Option(help: ArgumentHelp("The schema dump to load (default: schema_dump, else db/schema.sql, when it exists).", valueName: "file"))
    var schema: String?

    @Flag(help: "Apply the migrations; load no schema dump.")
    var noSchema = false

    @Flag(help: "Neither clone a template of the database nor keep one.")
    var noTemplate = false

    func validate() throws {
        if schema != nil, noSchema { throw ValidationError("--schema and --no-schema exclude each other.") }
    }

    /// The reset of the environment's database, with the dump to load, once production's
    /// confirmation is checked.
    func reset(_ context: CommandContext, command: String) async throws -> DatabaseReset {
        try DatabaseCommand.requireConfirmation(yes, context, command: command)
        return reset(context, migrator: try await context.migrator(lockTimeout: lock.duration), dump: try dump(context))
    }

    /// The reset of a tenant's database, with the environment's `migrations` and `dump`,
    /// read once for the whole fleet.
    func reset(_ tenant: CommandContext, migrations: [LoadedMigration], dump: DatabaseReset.Dump?) -> DatabaseReset {
        reset(tenant, migrator: tenant.engine(migrations, lockTimeout: lock.duration), dump: dump)
    }

    private func reset(_ context: CommandContext, migrator: Migrator, dump: DatabaseReset.Dump?) -> DatabaseReset {
        DatabaseReset(
            migrator: migrator, driver: context.driver, settings: context.environment.connection, logger: context.logger,
            dump: dump, usesTemplates: !noTemplate
        )
    }

    /// The schema dump to load: `--schema`, else the environment's, else `db/schema.sql`
    /// when it exists; none with `--no-schema`.
    func dump(_ context: CommandContext) throws -> DatabaseReset.Dump? {
        guard !noSchema else { return nil }
        let path = SchemaCommand.path(schema, context: context)
        // A dump named on the command line must exist; the default one may not yet.
        guard schema != nil || FileManager.default.fileExists(atPath: path) else { return nil }
        return DatabaseReset.Dump(path: path, file: try SchemaCommand.read(path))
    }
}

/// What a reset did, for people.
enum ResetPrinter {
    /// Before a reset that builds the database (clones no template): why the dump will not
    /// be loaded, if it will not.
    static func announce(_ reset: DatabaseReset) async throws {
        guard try await reset.templateToClone() == nil, let problem = try reset.dumpProblem() else { return }
        Console.print("Not loading the schema dump: \(problem); applying the migrations instead.")
    }

    /// After a reset: what was cloned, loaded or applied, and how long it took.
    static func print(_ outcome: DatabaseReset.Outcome, environment: String) {
        Console.print("Reset \(environment) in \(ProgressPrinter.format(outcome.duration)) (\(outcome.dropped ? "dropped and created" : "created")): \(summary(outcome)).")
        if let reason = outcome.templateNotSaved { Console.error(templateWarning(reason)) }
    }

    /// Why the next reset will build the database again.
    static func templateWarning(_ reason: String) -> String {
        "Warning: the database is ready, but it could not be kept as a template, so the next reset builds it again: \(reason)"
    }

    /// A tenant's line: `cloned …`, `loaded … then applied 2 newer`, `3 applied in one transaction`.
    static func line(_ outcome: DatabaseReset.Outcome) -> String {
        summary(outcome) + (outcome.templateNotSaved.map { "\n   " + templateWarning($0) } ?? "")
    }

    /// What was cloned, loaded or applied, and kept.
    private static func summary(_ outcome: DatabaseReset.Outcome) -> String {
        var what: String
        if let template = outcome.clonedTemplate {
            what = "cloned \(template) (\(migrationCount(outcome.migrationCount)))"
        } else if let dump = outcome.loadedDump {
            what = "loaded \(dump) (\(migrationCount(outcome.recordedFromDump)))"
                + (outcome.applied.isEmpty ? "" : ", then applied \(outcome.applied.count) newer")
        } else {
            what = "\(migrationCount(outcome.applied.count)) applied" + (outcome.appliedAtomically ? " in one transaction" : "")
        }
        if let template = outcome.savedTemplate { what += "; kept as \(template), which the next reset clones" }
        return what
    }
}

extension DatabaseCommand.Reset {
    /// `--all-tenants` / `--tenant`: each tenant's database (or schema, or file) reset, a few
    /// at a time.
    private func runOnTenants(_ context: CommandContext) async throws {
        try await options.runOnTenants(context, tenants, quiet: global.quiet, command: "db reset", heading: "Resetting", doneWord: "reset",
                                       { try await $0.reset() }, line: ResetPrinter.line)
    }
}

extension DatabaseCommand.Prepare {
    /// `--all-tenants` / `--tenant`: each tenant prepared — left alone, migrated or rebuilt,
    /// whichever it needs — a few at a time.
    private func runOnTenants(_ context: CommandContext) async throws {
        try await options.runOnTenants(context, tenants, quiet: global.quiet, command: "db prepare", heading: "Preparing", doneWord: "prepared",
                                       { try await $0.prepare(try await $0.preparationStep()) }, line: { preparation in
            switch preparation {
            case .upToDate: "up to date"
            case .migrated(let applied, let atomically): "\(migrationCount(applied.count)) applied" + (atomically ? " in one transaction" : "")
            case .reset(let outcome, let reason): "reset (\(reason)): " + ResetPrinter.line(outcome)
            }
        })
    }
}

extension ResetOptions {
    /// Runs `work` on the reset of each tenant `tenants` selects, a few at a time, with the
    /// environment's migrations and dump read once; production is confirmed once, before
    /// any tenant is dropped.
    func runOnTenants<Value: Sendable>(
        _ context: CommandContext, _ tenants: TenantOptions, quiet: Bool, command: String, heading: String, doneWord: String,
        _ work: @escaping @Sendable (DatabaseReset) async throws -> Value, line: (Value) -> String
    ) async throws {
        try DatabaseCommand.requireConfirmation(yes, context, command: command, tenants: true)
        let (migrations, dump, options) = (try await context.loadMigrations(), try self.dump(context), self)
        let fleet = FleetRun(context: context, options: tenants, silent: quiet, heading: heading, doneWord: doneWord)
        let report = try await fleet.run({ tenant in
            try await work(options.reset(tenant, migrations: migrations, dump: dump))
        }, line: line)
        try fleet.finish(report, quietSummary: quiet)
    }
}
