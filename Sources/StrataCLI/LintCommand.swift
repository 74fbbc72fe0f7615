import ArgumentParser
import Foundation
import Strata

/// `strata lint [PATHS…] [--json]`: dangerous changes found before they ship.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check the migrations not yet applied (or the files given) for destructive, incompatible or lock-heavy changes.",
        discussion: """
            Checks each up section against the rules of the environment's dialect (README, \
            "Linting migrations"): destructive, backward-incompatible, lock-heavy, data-dependent \
            and hygiene findings, each with its code, severity, file, line and what to do instead. \
            A rule about a table that exists never fires on a table created by a migration not yet \
            applied. `-- strata:lint-ignore CODE reason` above a statement silences one finding. \
            Severities come from `lint:` in strata.yml. Reads the database (its history and schema); \
            changes nothing. Exit 1 when an error-level finding remains; warnings alone exit 0.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Migration files to check instead of those not yet applied.", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Print the findings as JSON.")
    var json = false

    func run() async throws {
        let context = try CommandContext(global)
        let severities = try context.configuration.lintSeverities()
        let migrations = try await context.migrator()
        let (driver, settings, logger) = (context.driver, context.environment.connection, context.logger)
        let connection = try await driver.connect(settings, for: .read, logger: logger)
        let (sections, schema) = try await connection.closeAfter {
            let chosen = try paths.isEmpty ? try await pending(migrations) : selected(migrations.migrations)
            let schema = try await connection.dialect.schemaDialect?.snapshot(in: connection)
            return (await MigrationLinter.Section.sections(of: chosen, renderingOver: connection), schema)
        }
        // The connection's dialect: for the server it reached (MySQL or MariaDB).
        let findings = MigrationLinter(dialect: connection.dialect, severities: severities, schema: schema).lint(sections)
        let errors = findings.filter { $0.severity == .error }.count
        if json {
            try Console.json(LintReport(findings: findings))
        } else if !global.quiet || errors > 0 {
            print(findings, checked: sections.count)
        }
        if errors > 0 { throw ExitCode(ExitStatus.failure) }
    }

    /// The migrations not yet applied, in version order.
    private func pending(_ migrator: Migrator) async throws -> [LoadedMigration] {
        let pending = Set(try await migrator.status().filter { $0.state == .pending }.map(\.id))
        return migrator.migrations.filter { pending.contains($0.id) }
    }

    /// The migrations of the files given; each must be one of the migrations directory's.
    private func selected(_ migrations: [LoadedMigration]) throws -> [LoadedMigration] {
        let standard = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let bySource = Dictionary(migrations.map { (standard($0.source), $0) }, uniquingKeysWith: { first, _ in first })
        return try paths.map { path in
            guard let migration = bySource[standard(path)] else {
                throw StrataError.configuration("\(path) is not a migration of \(global.env ?? "the environment")'s migrations directory.",
                                                hint: "Give files of the migrations directory, or no path to check every migration not yet applied. Nothing was checked.")
            }
            return migration
        }
    }

    private func print(_ findings: [LintFinding], checked: Int) {
        for finding in findings {
            Console.print("\(finding.place): \(finding.severity.rawValue) \(finding.code): \(finding.message)")
            if let statement = finding.statement { Console.print("   \(statement)") }
            Console.print("   Instead: \(finding.advice)")
        }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        let scope = paths.isEmpty ? "\(migrationCount(checked)) not yet applied" : migrationCount(checked)
        Console.print(findings.isEmpty
            ? "No findings in \(scope)."
            : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s") in \(scope).")
    }
}

/// The JSON printed by `lint --json`.
struct LintReport: Encodable {
    struct Finding: Encodable {
        let code: String
        let name: String
        let severity: String
        let file: String
        let line: Int?
        let migration: String
        let message: String
        let advice: String
    }

    let findings: [Finding]
    let errors: Int
    let warnings: Int

    init(findings: [LintFinding]) {
        self.findings = findings.map {
            Finding(code: $0.code.code, name: $0.code.name, severity: $0.severity.rawValue, file: $0.file, line: $0.line,
                    migration: $0.migration.description, message: $0.message, advice: $0.advice)
        }
        errors = findings.filter { $0.severity == .error }.count
        warnings = findings.count - errors
    }
}
