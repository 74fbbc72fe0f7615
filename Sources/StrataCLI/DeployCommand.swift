#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import Synchronization
import Strata

/// `strata deploy [--env production] -- COMMAND ARGS…`: the seed's `deploy` script as one
/// safe command — wait for the database, lock, back up if configured, migrate, unlock, then
/// become the server.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Wait for the database, back up if configured, migrate, then exec the server.",
        discussion: """
            Use it as the production start command: `strata deploy --env production -- .build/release/App serve`. \
            Several replicas may run it at once: the lock makes one migrate while the others wait and \
            then find nothing to do. COMMAND replaces strata (exec), so it receives the signals. Any \
            failure exits non-zero without starting COMMAND, saying what changed and how to restore.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var lock: LockOptions

    @Option(help: ArgumentHelp("Seconds to wait for the database to accept connections.", valueName: "seconds"))
    var waitTimeout: Double = 60

    @Flag(help: "Back up before migrating even if the environment does not say backup_before_migrate.")
    var backup = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The server command, after --.", valueName: "command"))
    var command: [String] = []

    @OptionGroup var tenants: TenantOptions

    func validate() throws {
        if command.isEmpty { throw ValidationError("Give the server command after --, e.g. strata deploy -- .build/release/App serve") }
        if waitTimeout < 0 || !waitTimeout.isFinite { throw ValidationError("--wait-timeout must be zero or more seconds.") }
    }

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected {
            try await migrateTenants(context)
            if !global.quiet { Console.print("Starting \(command.joined(separator: " "))") }
            try exec(command)
        }
        try await context.waitForDatabase(timeout: waitTimeout)
        let migrator = try await context.migrator(lockTimeout: lock.duration)
        let printer = ProgressPrinter(silent: global.quiet)
        let hook = context.backupHook(enabled: backup || context.environment.backupBeforeMigrate, announce: !global.quiet)
        var completed: [CompletedMigration] = []
        do {
            if !printer.silent { Console.print("Deploying \(context.environmentDescription)") }
            let collected = CompletedList()
            do {
                completed = try await migrator.migrate(beforeApplying: hook.run, progress: { event in
                    printer.handle(event)
                    if case .finished(let id, _, _) = event { collected.append(id) }
                })
            } catch let error as StrataError {
                throw deployFailure(error, applied: collected.ids, backup: hook.path, context: context)
            }
        }
        if !printer.silent {
            Console.print(completed.isEmpty ? "Nothing to migrate." : "\(migrationCount(completed.count)) applied.")
            Console.print("Starting \(command.joined(separator: " "))")
        }
        try exec(command)
    }

    /// `--all-tenants` / `--tenant`: each tenant waited for, backed up if asked, and migrated
    /// under its own lock, a few at a time; the server starts only if every tenant succeeded.
    private func migrateTenants(_ context: CommandContext) async throws {
        // The `schemas:` and `databases:` queries run on the environment's own database.
        if context.environment.hasOwnDatabase { try await context.waitForDatabase(timeout: waitTimeout) }
        let migrations = try await context.loadMigrations()
        let (waitTimeout, lockTimeout) = (self.waitTimeout, lock.duration)
        let backup = self.backup || context.environment.backupBeforeMigrate
        let fleet = FleetRun(context: context, options: tenants, silent: global.quiet, heading: "Deploying", doneWord: "migrated")
        let report = try await fleet.run({ tenant -> TenantRun in
            try await tenant.waitForDatabase(timeout: waitTimeout)
            let hook = tenant.backupHook(enabled: backup, announce: false)
            let completed = try await tenant.engine(migrations, lockTimeout: lockTimeout)
                .migrate(beforeApplying: hook.run, progress: TenantRun.waitNotice(tenant))
            return TenantRun(completed: completed)
        }, line: { $0.line(applied: "applied", nothing: "up to date") })
        do {
            try fleet.finish(report, quietSummary: global.quiet)
        } catch {
            Console.error("The server was not started: every tenant must be migrated first. The tenants that succeeded keep their migrations; run `strata deploy` again once the failures are fixed.")
            throw error
        }
    }

    /// The failure, with what was and was not changed, and the restore command.
    private func deployFailure(_ error: StrataError, applied: [MigrationID], backup: String?, context: CommandContext) -> StrataError {
        var hint = error.hint.map { $0 + "\n" } ?? ""
        hint += "The server was not started. "
        hint += applied.isEmpty
            ? "No migration was applied."
            : "Applied before the failure: \(applied.map(\.description).joined(separator: ", "))."
        if let backup {
            hint += "\nTo return to the state before this deploy: strata restore \(backup) --env \(context.environment.name) --yes"
        }
        return StrataError(error.code, "Deploy failed: \(error.message)", hint: hint, underlying: error.underlying)
    }

    /// Replaces this process with `command`, found on PATH.
    private func exec(_ command: [String]) throws -> Never {
        fflush(nil)
        let arguments = command.map { strdup($0) } + [nil]
        execvp(command[0], arguments)
        let reason = String(cString: strerror(errno))
        FileHandle.standardError.write(Data("error: Cannot start \(command[0]): \(reason).\nMigrations are applied; start the server by hand.\n".utf8))
        Glibc.exit(ExitStatus.failure)
    }
}

/// The migrations a deploy applied, collected from progress events.
private final class CompletedList: Sendable {
    private let storage = Mutex<[MigrationID]>([])
    func append(_ id: MigrationID) { storage.withLock { $0.append(id) } }
    var ids: [MigrationID] { storage.withLock { $0 } }
}
