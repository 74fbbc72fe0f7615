import ArgumentParser
import Foundation
import Strata
import StrataMySQL
import StrataPostgres
import StrataSQLite

/// The `strata` command line, embeddable in a user's own executable, where it runs the
/// executable's Swift migrations next to the SQL files:
///
/// ```swift
/// @main struct Migrate {
///     static func main() async { await StrataCLI.main(migrations: migrations) }
/// }
/// ```
public enum StrataCLI {
    /// This build's version, as `strata --version` prints it.
    public static var version: String { StrataCommand.version }

    /// The drivers the standalone `strata` binary ships with.
    public static var defaultDrivers: [any DatabaseDriver] { [SQLiteDriver(), PostgresDriver(), MySQLDriver()] }

    /// Runs the command line given by the process's arguments and exits with its status.
    public static func main(drivers: [any DatabaseDriver] = defaultDrivers) async -> Never {
        let status = await run(arguments: Array(CommandLine.arguments.dropFirst()), drivers: drivers)
        exit(status)
    }

    /// Runs the command line with the Swift migrations of `registry` (the list
    /// `strata generate --swift` maintains) and exits with its status. Every `strata`
    /// command works, over these migrations and the SQL files of the migrations directory.
    public static func main(migrations registry: MigrationRegistry, drivers: [any DatabaseDriver] = defaultDrivers) async -> Never {
        let status = await run(arguments: Array(CommandLine.arguments.dropFirst()), migrations: registry, drivers: drivers)
        exit(status)
    }

    /// Runs the command line with `migrations`, given as a plain list, and exits with its status.
    public static func main(migrations: [any Migration], drivers: [any DatabaseDriver] = defaultDrivers) async -> Never {
        await main(migrations: MigrationRegistry(unlocated: migrations), drivers: drivers)
    }

    /// Runs one command line with the Swift migrations of `registry` and returns its exit status.
    public static func run(arguments: [String], migrations registry: MigrationRegistry, drivers: [any DatabaseDriver] = defaultDrivers) async -> Int32 {
        await CommandEnvironment.$registry.withValue(registry) {
            await run(arguments: arguments, drivers: drivers)
        }
    }

    /// Runs one command line and returns its exit status (documented in the README):
    /// 0 ok, 1 failure, 2 usage or configuration error, 3 pending migrations
    /// (`status --exit-code`), 4 lock timeout, 5 refused (changed, missing or irreversible migration).
    public static func run(arguments: [String], drivers: [any DatabaseDriver] = defaultDrivers) async -> Int32 {
        await CommandEnvironment.$drivers.withValue(drivers) {
            do {
                var command = try StrataCommand.parseAsRoot(LeadingGlobalOptions.reorder(arguments))
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return ExitStatus.success
            } catch {
                return report(error)
            }
        }
    }

    /// Prints `error` where it belongs and returns the exit status for it.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as StrataError:
            Console.error("\(TerminalStyle.stderr ? TerminalStyle.paint("✘ error:", .red, enabled: true) : "error:") \(error.message)")
            if let hint = error.hint { Console.error(hint) }
            return exitStatus(for: error)
        case is ExitCode:
            return exitStatus(for: error)
        default:
            let code = StrataCommand.exitCode(for: error)
            let message = StrataCommand.fullMessage(for: error)
            if code == .success {
                Console.print(message)
                return ExitStatus.success
            }
            Console.error(message)
            // Argument parser reports usage errors as EX_USAGE (64); Strata documents 2.
            return code == .validationFailure ? ExitStatus.usage : ExitStatus.failure
        }
    }
}

extension StrataCLI {
    /// Prints `error` as the `strata` command would — its message, then what to do — and
    /// returns the exit status documented for it (3 for a database behind its migrations).
    public static func reportError(_ error: any Error) -> Int32 {
        report(error)
    }

    /// The exit status documented for `error` (3 for a database behind its migrations), for
    /// an application whose framework has already printed it.
    public static func exitStatus(for error: any Error) -> Int32 {
        switch error {
        case let error as StrataError: ExitStatus.status(for: error.code)
        case let error as ExitCode: error.rawValue
        default: ExitStatus.failure
        }
    }

    /// The help of the command that `arguments` name, e.g. `["migrate"]`, as `--help` prints it.
    public static func helpText(arguments: [String]) -> String {
        do {
            // `--help` parses as the help command, which throws the help of the command named.
            var command = try StrataCommand.parseAsRoot(arguments + ["--help"])
            if command is any AsyncParsableCommand { return StrataCommand.helpMessage(for: type(of: command)) }
            try command.run()
            return StrataCommand.helpMessage()
        } catch {
            return StrataCommand.fullMessage(for: error)
        }
    }
}

/// Values the commands read while one command line runs.
enum CommandEnvironment {
    /// The drivers available to this command line.
    @TaskLocal static var drivers: [any DatabaseDriver] = StrataCLI.defaultDrivers
    /// The Swift migrations of the executable embedding the command line, if any.
    @TaskLocal static var registry: MigrationRegistry?
}
