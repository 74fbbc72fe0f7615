import ArgumentParser
import Foundation
import Strata

/// `strata wait [--timeout S]`: waits until the database accepts connections.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until the environment's database accepts connections.",
        discussion: "Exits 0 once a connection succeeds, 1 when the timeout passes (naming the last error), 2 for a configuration error."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Seconds to wait at most.", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        if timeout < 0 || !timeout.isFinite { throw ValidationError("--timeout must be zero or more seconds.") }
    }

    func run() async throws {
        let context = try CommandContext(global)
        try await context.waitForDatabase(timeout: timeout)
        if !global.quiet { Console.print("The database of \(context.environmentDescription) accepts connections.") }
    }
}

extension CommandContext {
    /// Connects every 250 ms until the database accepts a connection or `timeout` seconds pass.
    /// - Throws: the configuration error at once; a failure naming the last error after the timeout.
    func waitForDatabase(timeout: Double) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
        var attempts = 0
        while true {
            attempts += 1
            do {
                let connection = try await driver.connect(environment.connection, for: .read, logger: logger)
                await connection.close()
                return
            } catch let error as StrataError where error.code == .configuration {
                throw error
            } catch {
                guard clock.now < deadline else {
                    let reason = (error as? StrataError)?.message ?? String(describing: error)
                    throw StrataError(
                        .failure,
                        "The database of \(environmentDescription) did not accept connections within \(timeout) s (\(attempts) attempts). Last error: \(reason)",
                        hint: "Check that the server is running and reachable, or raise the timeout."
                    )
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
