import ArgumentParser
import Foundation
import Strata

/// `strata verify [--scratch-url URL] [--json]`: proves every rollback on a scratch database.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove on a scratch database that every migration's down section undoes its up section.",
        discussion: """
            Never touches the environment's database. Creates a scratch database beside it (SQLite: \
            a temporary file; PostgreSQL and MySQL: a new database on the same server), dropped \
            afterwards even when a migration fails — or uses the empty database of --scratch-url. \
            Applies every migration from empty with a schema snapshot before and after each; then, \
            newest first, runs each down section and compares the schema with the one before its \
            up, runs the up again and compares with the one after it, and goes on down. Reports \
            what each down left behind, removed or did not restore, object by object, and \
            migrations without a down section. Exit 0 when every rollback is exact, 1 otherwise.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("An empty database to verify on, instead of a new scratch database.", valueName: "url"))
    var scratchUrl: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = try CommandContext(global)
        let migrations = try await context.loadMigrations()
        let (driver, logger, own) = (context.driver, context.logger, context.environment.connection)
        let report: RollbackReport
        if let scratchUrl {
            let scratch = try given(scratchUrl, besides: own)
            report = try await verify(migrations, on: scratch, context: context)
        } else {
            report = try await driver.withScratchDatabase(beside: own, logger: logger) { scratch in
                try await verify(migrations, on: scratch, context: context)
            }
        }
        if json {
            try Console.json(VerifyReport(environment: context.environment.name, report: report))
        } else if !global.quiet {
            let failing = report.checks.filter { !$0.isExact }.count
            Console.print(failing == 0
                ? "Every rollback is exact: \(migrationCount(report.checks.count)) verified."
                : "\(failing) of \(migrationCount(report.checks.count)) \(failing == 1 ? "is" : "are") not proven to roll back exactly.")
        }
        if !report.allExact { throw ExitCode(ExitStatus.failure) }
    }

    /// The settings of `--scratch-url`: of the environment's dialect, and not its database.
    private func given(_ url: String, besides own: ConnectionSettings) throws -> ConnectionSettings {
        let scratch: ConnectionSettings
        do {
            scratch = try DatabaseURL.parse(url)
        } catch {
            throw StrataError.configuration("--scratch-url is not valid: \(error.reason).", hint: "Give a URL such as postgres://user@host/verify_scratch. Nothing was done.")
        }
        guard scratch.dialect == own.dialect else {
            throw StrataError.configuration("--scratch-url is a \(scratch.dialect) database, but the environment is \(own.dialect); the migrations are written for \(own.dialect).",
                                            hint: "Give a scratch database of the environment's dialect. Nothing was done.")
        }
        let file = { (storage: String?) in storage.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path } }
        guard file(scratch.storage) != file(own.storage) || scratch.host != own.host || scratch.port != own.port
            || scratch.database != own.database || scratch.schema != own.schema else {
            throw StrataError.configuration("--scratch-url names the environment's own database; verify never touches it.",
                                            hint: "Give another, empty database, or leave --scratch-url out to have Strata create one. Nothing was done.")
        }
        return scratch
    }

    private func verify(_ migrations: [LoadedMigration], on scratch: ConnectionSettings, context: CommandContext) async throws -> RollbackReport {
        let printing = !json && !global.quiet
        if printing {
            Console.print("Verifying the rollbacks of \(migrationCount(migrations.count)) of \(context.environment.name) on a scratch database (\(scratch.redactedDescription))")
        }
        return try await RollbackVerifier(migrations: migrations, driver: context.driver, scratch: scratch, logger: context.logger).verify { check in
            guard printing else { return }
            let findings = check.findings
            Console.print("== \(check.id.version) \(check.id.name): " + (findings.isEmpty ? "rollback exact" : findings.count == 1 ? findings[0] : "rollback not exact"))
            if findings.count > 1 { for finding in findings { Console.print("   \(finding)") } }
        }
    }
}

/// The JSON printed by `verify --json`.
struct VerifyReport: Encodable {
    struct Entry: Encodable {
        let version: String
        let name: String
        /// `exact`, `down_differs`, `redo_differs`, `no_down`, `failed` or `not_verified`.
        let result: String
        let findings: [String]
        let differences: [Difference]
    }

    struct Difference: Encodable {
        /// `left_behind`, `removed` or `not_restored` after the down; `redo_differs` after the second up.
        let problem: String
        let kind: String
        let name: String
        let definition: String
        let expected: String?
    }

    let environment: String
    let exact: Bool
    let migrations: [Entry]

    init(environment: String, report: RollbackReport) {
        self.environment = environment
        exact = report.allExact
        migrations = report.checks.map { check in
            let (result, differences): (String, [Difference]) = switch check.outcome {
            case .exact: ("exact", [])
            case .downDiffers(let found): ("down_differs", found.map { Self.difference($0, redo: false) })
            case .redoDiffers(let found): ("redo_differs", found.map { Self.difference($0, redo: true) })
            case .noDown: ("no_down", [])
            case .failed: ("failed", [])
            case .notVerified: ("not_verified", [])
            }
            return Entry(version: check.id.version.digits, name: check.id.name, result: result, findings: check.findings, differences: differences)
        }
    }

    private static func difference(_ difference: SchemaDifference, redo: Bool) -> Difference {
        let object = difference.object
        let problem: String
        var expected: String?
        switch difference {
        case .onlyHere: problem = redo ? "redo_differs" : "left_behind"
        case .onlyInReference: problem = redo ? "redo_differs" : "removed"
        case .changed(_, let reference):
            problem = redo ? "redo_differs" : "not_restored"
            expected = reference.definition
        }
        return Difference(problem: problem, kind: object.kind.rawValue, name: object.name, definition: object.definition, expected: expected)
    }
}
