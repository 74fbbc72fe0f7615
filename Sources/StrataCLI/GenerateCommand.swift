import ArgumentParser
import Strata

/// `strata generate NAME [--template create-table|modify-table] [--seeder | --swift --output DIR]`.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new timestamped migration file.",
        discussion: """
            NAME is kebab-case. --template create-table expects create-TABLE; \
            --template modify-table expects add-COLUMN-to-TABLE. With --swift, writes \
            DIR/VERSION-name.swift in the Schema API and adds it to DIR/Migrations.swift, \
            the list handed to StrataCLI.main(migrations:).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The migration's kebab-case name, e.g. create-users.")
    var name: String

    @Option(help: ArgumentHelp("The starting content: blank, create-table or modify-table.", valueName: "template"))
    var template: MigrationTemplate = .blank

    @Flag(help: "Write a seeder in the seeders directory instead of a migration.")
    var seeder = false

    @Flag(help: "Write a Swift migration (needs --output) instead of a SQL file.")
    var swift = false

    @Option(help: ArgumentHelp("The directory of the Swift migrations and their Migrations.swift registry.", valueName: "dir"))
    var output: String?

    func validate() throws {
        if seeder && template != .blank { throw ValidationError("--template is for migrations; a seeder starts blank.") }
        if swift && seeder { throw ValidationError("--swift writes migrations; seeders are SQL files.") }
        if swift && output == nil { throw ValidationError("--swift needs --output DIR, the directory of your Swift migrations (e.g. Sources/Migrate/Migrations).") }
        if !swift && output != nil { throw ValidationError("--output is for --swift; SQL migrations go to the migrations directory of strata.yml.") }
    }

    func run() async throws {
        let context = try CommandContext(global, needsDatabase: false)
        if swift, let output {
            let generator = SwiftMigrationGenerator(directory: output, sqlDirectory: context.environment.migrationsDirectory)
            let written = try generator.generate(name: name, template: template)
            if !global.quiet { Console.print("Created \(written.migration)\nRegistered it in \(written.registry)") }
            return
        }
        let directory = seeder ? context.environment.seedersDirectory : context.environment.migrationsDirectory
        let generator = MigrationGenerator(directory: directory, dialect: context.driver.dialect)
        let path = try generator.generate(name: name, template: template)
        if !global.quiet { Console.print("Created \(path)") }
    }
}

extension MigrationTemplate: ExpressibleByArgument {}
