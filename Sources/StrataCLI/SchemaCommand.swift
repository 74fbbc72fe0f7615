import ArgumentParser
import Foundation
import Strata

/// `strata schema dump | load | check`: a committed, deterministic picture of the schema.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Dump the schema to a file, load it into an empty database, or check the database against it.",
        discussion: """
            The file (default: the environment's schema_dump, else db/schema.sql) holds the schema's \
            SQL as the database's own tools write it, made deterministic — the same database gives the \
            same bytes — followed by the applied migrations. Commit it: it diffs cleanly in review, \
            `schema check` finds drift in CI, and `schema load` sets up a test database without \
            replaying every migration.
            """,
        subcommands: [Dump.self, Load.self, Check.self]
    )

    /// The schema file a command reads or writes.
    static func path(_ given: String?, context: CommandContext) -> String {
        given ?? context.environment.schemaDump ?? context.configuration.resolvePath("db/schema.sql")
    }

    /// `strata schema dump [--output FILE]`.
    struct Dump: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dump", abstract: "Write the database's schema and applied migrations to a file.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("The file (default: schema_dump, else db/schema.sql).", valueName: "file"))
        var output: String?

        func run() async throws {
            let context = try CommandContext(global)
            let path = SchemaCommand.path(output, context: context)
            let dump = try await context.schemaDumps().dump()
            try SchemaCommand.write(dump, to: path)
            if !global.quiet { Console.print("Wrote the schema of \(context.environmentDescription) to \(path).") }
        }
    }

    /// `strata schema load [FILE]`.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Create the schema of a dump in an empty database and record its migrations as applied.",
            discussion: "Refuses (exit 5, nothing changed) when the database has tables or a migration history."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var dumpFile: DumpFileArgument

        func run() async throws {
            let context = try CommandContext(global)
            let (path, dump) = try dumpFile.read(context)
            let recorded = try await context.schemaDumps(lockTimeout: lock.duration).load(dump, from: path)
            if !global.quiet { Console.print("Loaded \(path) into \(context.environmentDescription); \(migrationCount(recorded)) recorded as applied.") }
        }
    }

    /// `strata schema check [FILE]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Compare the database with a dump, object by object; exit 3 when they differ.",
            discussion: """
                The dump is loaded into a scratch database beside the environment's (dropped afterwards), \
                and the two are compared as schema snapshots: tables, columns, indexes, constraints, views, \
                triggers, types, sequences and functions. Exits 0 when they match, 3 when they differ.

                With --against-model, compares instead the schema the migrations build with the \
                declared schema (--model, else model:, else db/model.sql), both built on scratch \
                databases: a CI check that nobody changed the model without a migration.
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var dumpFile: DumpFileArgument
        @OptionGroup var tenants: TenantOptions

        @Flag(help: "Check that the migrations build the declared schema instead (exit 3 when they do not).")
        var againstModel = false

        @Option(help: ArgumentHelp("With --against-model: the declared schema (default: model:, else db/model.sql).", valueName: "file"))
        var model: String?

        func validate() throws {
            if againstModel && (dumpFile.file != nil || tenants.selected) {
                throw ValidationError("--against-model compares the migrations with the declared schema, on scratch databases; leave out the dump file and the tenants.")
            }
            if !againstModel && model != nil { throw ValidationError("--model is for --against-model.") }
        }

        func run() async throws {
            if againstModel { return try await checkAgainstModel() }
            let context = try CommandContext(global, tenants: tenants)
            let (path, dump) = try dumpFile.read(context)
            if tenants.selected { return try await checkTenants(context, path: path, dump: dump) }
            let differences = try await context.schemaDumps().check(dump, from: path)
            try report(differences, here: "the database", reference: path,
                       matching: "The schema of \(context.environmentDescription) matches \(path).",
                       differing: "The schema of \(context.environmentDescription) differs from \(path):")
        }

        /// Prints `matching` when there are no differences; otherwise `differing`, a line per
        /// difference and `advice`, and exits 3.
        private func report(_ differences: [SchemaDifference], here: String, reference: String, matching: String, differing: String, advice: String? = nil) throws {
            guard !differences.isEmpty else {
                if !global.quiet { Console.print(matching) }
                return
            }
            Console.print(differing)
            for difference in differences {
                Console.print("  " + difference.description(here: here, reference: reference))
            }
            if let advice { Console.print(advice) }
            throw ExitCode(ExitStatus.pending)
        }

        /// `--against-model`: exit 3 when the migrations do not build the declared schema.
        private func checkAgainstModel() async throws {
            let context = try CommandContext(global)
            let comparison = try await context.modelComparison(model: model)
            let file = comparison.model.file
            try report(try await comparison.differences(), here: "the migrations", reference: file,
                       matching: "The migrations of \(context.environment.name) build the declared schema \(file).",
                       differing: "The schema the migrations of \(context.environment.name) build differs from the declared schema \(file):",
                       advice: "Write the migration with `strata generate NAME --from-schema`, or change \(file) back.")
        }

        /// `--all-tenants` / `--tenant`: each tenant compared with the one dump; exit 3 when
        /// any differs, 1 when any could not be checked.
        private func checkTenants(_ context: CommandContext, path: String, dump: SchemaDumpFile) async throws {
            let fleet = FleetRun(context: context, options: tenants, silent: global.quiet, heading: "Checking", doneWord: "checked")
            let selected = try await context.selectedTenants(tenants)
            // The dump is loaded once, beside the first tenant; every tenant is compared with it.
            var reference: SchemaSnapshot?
            if let first = selected.first { reference = try await context.forTenant(first).schemaDumps().referenceSnapshot(of: dump, from: path) }
            let shared = reference
            let report = try await fleet.run(on: selected, { tenant in
                try await tenant.schemaDumps().check(dump, from: path, reference: shared)
            }, line: { differences in
                guard !differences.isEmpty else { return "matches \(path)" }
                return "differs from \(path) in \(migrationCount(differences.count, noun: "object"))\n" + differences.map { "     " + $0.description(here: "the database", reference: path) }.joined(separator: "\n")
            })
            try fleet.finish(report, quietSummary: global.quiet)
            let differing = report.outcomes.filter { !($0.value?.isEmpty ?? true) }
            guard differing.isEmpty else {
                Console.print("\(tenantCount(differing.count)) \(differing.count == 1 ? "differs" : "differ") from \(path): \(differing.map(\.tenant.name).joined(separator: ", ")).")
                throw ExitCode(ExitStatus.pending)
            }
        }
    }

    /// The dump a command reads: its argument, else the environment's.
    struct DumpFileArgument: ParsableArguments {
        @Argument(help: ArgumentHelp("The dump (default: schema_dump, else db/schema.sql).", valueName: "file"))
        var file: String?

        /// The path and the dump read from it.
        func read(_ context: CommandContext) throws -> (String, SchemaDumpFile) {
            let path = SchemaCommand.path(file, context: context)
            return (path, try SchemaCommand.read(path))
        }
    }

    static func read(_ path: String) throws -> SchemaDumpFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw StrataError.configuration("Schema dump \(path) does not exist or cannot be read; nothing was done.",
                                            hint: "Write it with `strata schema dump`, or name the file.")
        }
        return try SchemaDumpFile(parsing: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Writes the dump through a temporary file and a rename, so a reader never sees half of it.
    static func write(_ dump: SchemaDumpFile, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let partial = "\(folder.isEmpty ? "." : folder)/.\((path as NSString).lastPathComponent).partial"
        do {
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try Data(dump.text.utf8).write(to: URL(fileURLWithPath: partial))
            guard rename(partial, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StrataError(.failure, "Cannot write the schema dump \(path): \(error.localizedDescription)")
        }
    }
}

extension CommandContext {
    /// Schema dumps of the environment's database.
    func schemaDumps(lockTimeout: Duration = .seconds(60)) async throws -> SchemaDumps {
        SchemaDumps(migrator: try await migrator(lockTimeout: lockTimeout), driver: driver, settings: environment.connection, logger: logger)
    }

    /// With `schema_dump:` set, writes the dump again: after every run that changed the
    /// database, so the committed file follows the migrations.
    func refreshSchemaDump(afterChanging changed: Bool, quiet: Bool) async throws {
        guard changed, let path = environment.schemaDump else { return }
        try SchemaCommand.write(try await schemaDumps().dump(), to: path)
        if !quiet { Console.print("Wrote the schema to \(path).") }
    }
}
