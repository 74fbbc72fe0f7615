import ArgumentParser
import Strata

/// `strata generate NAME [--template create-table|modify-table] [--seeder | --swift --output DIR]`,
/// or `strata generate NAME --from-schema [--model FILE] [--swift --output DIR] [--dry-run]`.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new timestamped migration file.",
        discussion: """
            NAME is kebab-case. --template create-table expects create-TABLE; \
            --template modify-table expects add-COLUMN-to-TABLE. With --swift, writes \
            DIR/VERSION-name.swift in the Schema API and adds it to DIR/Migrations.swift, \
            the list handed to StrataCLI.main(migrations:).

            With --from-schema, writes the migration from the schema the migrations build to \
            the declared one (--model, else the environment's model:, else db/model.sql): both \
            are built on scratch databases beside the environment's (dropped afterwards) and \
            compared object by object; the up section makes the declared schema, the down \
            section the one before. A column renamed in the model is written as a rename only \
            when marked `-- strata:renamed-from OLD`. Writes nothing, and exits 0, when the \
            migrations already build the declared schema. With --swift, the migration is \
            written in the Schema API (a step it cannot say exactly keeps its SQL, through \
            schema.execute), after it has been applied and rolled back on a scratch database.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The migration's kebab-case name, e.g. create-users.")
    var name: String

    @Option(help: ArgumentHelp("The starting content: blank, create-table or modify-table.", valueName: "template"))
    var template: MigrationTemplate = .blank

    @Flag(help: "Write a seeder in the seeders directory instead of a migration.")
    var seeder = false

    @Flag(help: "Write a Swift migration in the Schema API (needs --output) instead of a SQL file.")
    var swift = false

    @Option(help: ArgumentHelp("The directory of the Swift migrations and their Migrations.swift registry.", valueName: "dir"))
    var output: String?

    @Flag(help: "Write the migration from the schema the migrations build to the declared schema.")
    var fromSchema = false

    @Option(help: ArgumentHelp("With --from-schema: the declared schema (default: model:, else db/model.sql).", valueName: "file"))
    var model: String?

    @Flag(help: "With --from-schema: print the migration instead of writing it.")
    var dryRun = false

    func validate() throws {
        if seeder && template != .blank { throw ValidationError("--template is for migrations; a seeder starts blank.") }
        if swift && seeder { throw ValidationError("--swift writes migrations; seeders are SQL files.") }
        if swift && output == nil { throw ValidationError("--swift needs --output DIR, the directory of your Swift migrations (e.g. Sources/Migrate/Migrations).") }
        if !swift && output != nil { throw ValidationError("--output is for --swift; SQL migrations go to the migrations directory of strata.yml.") }
        if fromSchema && (seeder || template != .blank) {
            throw ValidationError("--from-schema writes a migration from the declared schema; leave out --seeder and --template.")
        }
        if !fromSchema && (model != nil || dryRun) { throw ValidationError("--model and --dry-run are for --from-schema.") }
    }

    func run() async throws {
        if fromSchema { return try await generateFromSchema() }
        let context = try CommandContext(global, needsDatabase: false)
        if swift, let output {
            let generator = SwiftMigrationGenerator(directory: output, sqlDirectory: context.environment.migrationsDirectory)
            let written = try generator.generate(name: name, template: template)
            if !global.quiet { Console.print("Created \(written.migration)\nRegistered it in \(written.registry)") }
            return
        }
        let directory = seeder ? context.environment.seedersDirectory : context.environment.migrationsDirectory
        let generator = MigrationGenerator(directory: directory, dialect: try context.dialect)
        let path = try generator.generate(name: name, template: template)
        if !global.quiet { Console.print("Created \(path)") }
    }
}

extension GenerateCommand {
    /// `--from-schema`: the migration from the schema the migrations build to the declared one.
    private func generateFromSchema() async throws {
        if let problem = MigrationName.problem(with: name) {
            throw StrataError.configuration("Invalid migration name \"\(name)\": \(problem).", hint: "Use kebab-case, e.g. `strata generate add-status-to-users --from-schema`.")
        }
        let context = try CommandContext(global)
        let comparison = try await context.modelComparison(model: model)
        if swift, let output { return try await generateSwift(comparison, into: output, context: context) }
        guard let generated = try await comparison.migration(name: name) else {
            if !global.quiet { Console.print("The migrations already build the declared schema \(comparison.model.file); nothing was written.") }
            return
        }
        if dryRun {
            Console.print(generated.text)
            return
        }
        let path = try MigrationGenerator(directory: context.environment.migrationsDirectory, dialect: try context.dialect).write(name: name, content: generated.text)
        guard !global.quiet else { return }
        let count = { (steps: [SchemaTransition.Step]) in steps.reduce(0) { $0 + $1.statements.count } }
        Console.print("Created \(path): \(count(generated.up)) statements up, \(count(generated.down)) down.")
        for note in generated.up where note.statements.isEmpty {
            Console.print("Note: \(note.comment)")
        }
        Console.print("Prove its down with `strata verify`, and check it with `strata lint`, before committing it.")
    }
}

extension GenerateCommand {
    /// `--from-schema --swift`: the migration in the Schema API, proven on a scratch database.
    private func generateSwift(_ comparison: ModelComparison, into output: String, context: CommandContext) async throws {
        guard let generated = try await comparison.swiftMigration() else {
            if !global.quiet { Console.print("The migrations already build the declared schema \(comparison.model.file); nothing was written.") }
            return
        }
        let generator = SwiftMigrationGenerator(directory: output, sqlDirectory: context.environment.migrationsDirectory)
        let render = { (id: MigrationID, typeName: String) in generated.source(id: id, typeName: typeName) }
        if dryRun {
            Console.print(render(try generator.nextID(name: name), SwiftMigrationLoader.typeName(for: name)))
            return
        }
        let written = try generator.generate(name: name, render: render)
        guard !global.quiet else { return }
        let count = { (steps: [ModelComparison.GeneratedSwiftMigration.Step]) in steps.reduce(0) { $0 + $1.changes.count } }
        Console.print("Created \(written.migration): \(count(generated.up)) changes up, \(count(generated.down)) down; applied and rolled back on a scratch database.")
        Console.print("Registered it in \(written.registry); rebuild the executable to run it.")
        var kept: [String] = []
        for step in generated.stepsKeepingSQL where !kept.contains(step.comment) { kept.append(step.comment) }
        if !kept.isEmpty {
            Console.print("Kept as SQL for \(generated.dialectName), where the Schema API cannot say it exactly: \(kept.joined(separator: "; ")).")
        }
        for note in generated.up where note.isNote {
            Console.print("Note: \(note.comment)")
        }
    }
}

extension CommandContext {
    /// The comparison of the environment's migrations with the declared schema: the file
    /// `model` names, else the ``SchemaModel`` the executable registered, else `model:`,
    /// else db/model.sql.
    func modelComparison(model: String?) async throws -> ModelComparison {
        let declared: DeclaredSchema
        if model == nil, let swiftModel = CommandEnvironment.registry?.model {
            declared = try await DeclaredSchema(swiftModel)
        } else {
            declared = try DeclaredSchema.read(model ?? environment.model ?? configuration.resolvePath("db/model.sql"), syntax: driver.dialect.syntax)
        }
        return ModelComparison(migrations: try await loadMigrations(), model: declared, driver: driver, settings: environment.connection, logger: logger)
    }
}

extension MigrationTemplate: ExpressibleByArgument {}
