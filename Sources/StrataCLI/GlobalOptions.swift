import ArgumentParser

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("The environment to use.", discussion: "Default: $STRATA_ENV, else development.", valueName: "name"),
        completion: .custom(ShellCompletions.environments)
    )
    var env: String?

    @Option(name: .long, help: ArgumentHelp("The configuration file (default: strata.yml).", valueName: "path"))
    var config: String?

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if strata was started in <dir>.", valueName: "dir"))
    var directory: String?

    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log every step and SQL statement to standard error.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }
}

/// The options of commands that take the migration lock.
struct LockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds to wait for another run's migration lock.", valueName: "seconds"))
    var lockTimeout: Double = 60

    func validate() throws {
        if lockTimeout < 0 || !lockTimeout.isFinite { throw ValidationError("--lock-timeout must be zero or more seconds.") }
    }

    var duration: Duration { .milliseconds(Int64(lockTimeout * 1000)) }
}

/// The options of commands that can continue a dirty migration or seeder.
struct ResumeOptions: ParsableArguments {
    @Flag(help: "Continue a dirty migration (or seeder) after its last completed statement.")
    var resume = false

    @Option(help: ArgumentHelp(
        "With --resume: continue at this statement (1-based) instead, e.g. after the one a stopped run had already run.",
        valueName: "n"
    ))
    var fromStatement: Int?

    func validate() throws {
        if fromStatement != nil, !resume { throw ValidationError("--from-statement goes with --resume.") }
        if let fromStatement, fromStatement < 1 { throw ValidationError("--from-statement must be 1 or more.") }
    }
}
