import ArgumentParser
import Strata

/// `strata generate NAME [--template create-table|modify-table]`.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new timestamped migration file.",
        discussion: """
            NAME is kebab-case. --template create-table expects create-TABLE; \
            --template modify-table expects add-COLUMN-to-TABLE.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The migration's kebab-case name, e.g. create-users.")
    var name: String

    @Option(help: ArgumentHelp("The starting content: blank, create-table or modify-table.", valueName: "template"))
    var template: MigrationTemplate = .blank

    @Flag(help: "Write a seeder in the seeders directory instead of a migration.")
    var seeder = false

    func validate() throws {
        if seeder && template != .blank { throw ValidationError("--template is for migrations; a seeder starts blank.") }
    }

    func run() async throws {
        let context = try CommandContext(global)
        let directory = seeder ? context.environment.seedersDirectory : context.environment.migrationsDirectory
        let generator = MigrationGenerator(directory: directory, dialect: context.driver.dialect)
        let path = try generator.generate(name: name, template: template)
        if !global.quiet { Console.print("Created \(path)") }
    }
}

extension MigrationTemplate: ExpressibleByArgument {}
