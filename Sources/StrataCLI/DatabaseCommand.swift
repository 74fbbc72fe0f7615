import ArgumentParser
import Strata

/// `strata db create | drop | reset | prepare`.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create, drop, rebuild or prepare the environment's database.",
        subcommands: [Create.self, Drop.self, Reset.self, Prepare.self]
    )

    /// Refuses to drop a production database without `--yes`.
    static func requireConfirmation(_ yes: Bool, _ context: CommandContext, command: String, tenants: Bool = false) throws {
        guard context.environment.name == "production", !yes else { return }
        let what = tenants
            ? "the databases of the production tenants (\(context.environment.tenants?.summary ?? "tenants"))"
            : "the production database (\(context.environment.connection.redactedDescription))"
        throw StrataError(
            .configuration,
            "Refusing to drop \(what) without --yes.",
            hint: "Take a backup first; then run `strata \(command) --env production --yes` if you mean it."
        )
    }

    /// `strata db create`: creates the database if it does not exist.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create the environment's database (nothing happens if it exists)."
        )

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try CommandContext(global)
            let created = try await context.driver.createDatabase(context.environment.connection, logger: context.logger)
            guard !global.quiet else { return }
            Console.print(created
                ? "Created the database of \(context.environmentDescription)."
                : "The database of \(context.environmentDescription) already exists; nothing was changed.")
        }
    }

    /// `strata db drop [--yes]`: drops the database with everything in it.
    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop",
            abstract: "Drop the environment's database with everything in it.",
            discussion: """
                Removes the templates `db reset` kept of it too. Refuses in the production environment \
                unless given --yes. A PostgreSQL environment \
                with `schema:` drops that schema only, never the database its other schemas share.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Confirm dropping a production database.")
        var yes = false

        func run() async throws {
            let context = try CommandContext(global)
            try DatabaseCommand.requireConfirmation(yes, context, command: "db drop")
            let dropped = try await context.driver.dropDatabase(context.environment.connection, logger: context.logger)
            // The templates `db reset` kept of it go with it.
            let templates = try await context.driver.databaseTemplates(context.environment.connection, logger: context.logger)?.removeAll() ?? []
            guard !global.quiet else { return }
            Console.print(dropped
                ? "Dropped the database of \(context.environmentDescription)."
                : "The database of \(context.environmentDescription) does not exist; nothing was changed.")
            if !templates.isEmpty { Console.print("Removed its \(templates.count == 1 ? "template" : "templates") (kept by db reset): \(templates.joined(separator: ", ")).") }
        }
    }
}
