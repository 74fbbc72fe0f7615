import ArgumentParser
import Strata

/// `strata resolve VERSION --rolled-back|--applied`: settles a dirty migration.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Settle a dirty migration after repairing the database by hand.",
        discussion: """
            A migration is dirty when it stopped half-way and its changes could not be rolled back \
            (MySQL DDL, or a transaction:false section). --rolled-back records that its partial changes \
            were reverted: the database is as before it ran. --applied records that its remaining \
            statements were completed: the database is as after it ran.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Argument(help: ArgumentHelp("The dirty migration's version.", valueName: "version"))
    var version: MigrationReference

    @Flag(help: "Its partial changes were reverted by hand.")
    var rolledBack = false

    @Flag(help: "Its remaining statements were completed by hand.")
    var applied = false

    @Flag(help: "The dirty one is a seeder, not a migration.")
    var seeder = false

    func validate() throws {
        if rolledBack == applied { throw ValidationError("Give exactly one of --rolled-back and --applied.") }
    }

    func run() async throws {
        let context = try CommandContext(global)
        let resolution: Migrator.Resolution = applied ? .applied : .rolledBack
        let engine = seeder ? try context.seeder(lockTimeout: lock.duration) : try await context.migrator(lockTimeout: lock.duration)
        let dirty = try await engine.resolve(version, as: resolution)
        guard !global.quiet else { return }
        let state: String
        switch (dirty.direction, resolution) {
        case (.up, .applied), (.down, .rolledBack): state = "applied"
        case (.up, .rolledBack), (.down, .applied): state = "pending"
        }
        Console.print("Resolved \(dirty.id) as \(resolution.rawValue): it is now \(state).")
    }
}
