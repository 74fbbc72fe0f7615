import ArgumentParser
import Strata

/// `strata redo [--step N]`: undo then migrate again — the check that a rollback works.
struct RedoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redo",
        abstract: "Revert the last migration(s) and apply them again, under one lock."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Option(help: ArgumentHelp("Redo this many migrations.", valueName: "n"))
    var step: Int = 1

    @Flag(help: "Redo even if a migration's file changed since it was applied.")
    var allowChanged = false

    @Flag(help: "Redo baselined migrations too (recorded by baseline or import; their down sections never ran here).")
    var allowBaseline = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if step < 1 { throw ValidationError("--step must be 1 or more.") }
    }

    func run() async throws {
        let context = try CommandContext(global)
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let printer = ProgressPrinter(silent: global.quiet || json)
        if !printer.silent { Console.print("Redoing in \(context.environmentDescription)") }
        let completed = try await migrator.redo(step: step, allowChanged: allowChanged, allowBaseline: allowBaseline, progress: printer.handle)
        try await context.refreshSchemaDump(afterChanging: !completed.isEmpty, quiet: printer.silent)
        if json { return try Console.json(RunReport(environment: context.environment.name, completed: completed)) }
        guard !printer.silent else { return }
        Console.print(completed.isEmpty ? "Nothing to redo: no migration is applied." : "\(migrationCount(completed.count / 2)) redone.")
    }
}
