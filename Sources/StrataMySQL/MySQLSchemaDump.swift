import Foundation
import Logging
import Strata

extension MySQLDriver {
    /// `mariadb-dump --no-data --routines --triggers` without comments, dates, Strata's
    /// tables, `AUTO_INCREMENT` counters and `DEFINER` clauses; loaded with the `mariadb`
    /// client, which cannot roll DDL back.
    public func schemaDumpMethod(_ settings: ConnectionSettings, logger: Logger) throws -> SchemaDumpMethod {
        let database = settings.database ?? ""
        let ignored = ["strata_migrations", "strata_migrations_progress", "strata_seeds", "strata_seeds_progress"]
            .map { "--ignore-table=\(database).\($0)" }
        let dump = dumpTool(["--no-data", "--skip-comments", "--skip-dump-date", "--routines", "--triggers", "--skip-add-drop-table"] + ignored,
                            settings, logger: logger)
        let loader = loader(settings, logger: logger)
        return SchemaDumpMethod(
            dump: {
                let output = FileManager.default.temporaryDirectory.appendingPathComponent("strata-schema-\(UUID().uuidString).sql").path
                defer { try? FileManager.default.removeItem(atPath: output) }
                try await dump.run(output: output)
                let text = try String(contentsOfFile: output, encoding: .utf8)
                    .replacing(/\sAUTO_INCREMENT=\d+/, with: "")
                    .replacing(/\s?DEFINER=`[^`]*`@`[^`]*`/, with: "")
                return SchemaDumpMethod.tidy(text) { $0.hasPrefix("-- ") || $0 == "--" }
            },
            load: { file in try await loader.run(input: file) },
            guarantee: "MySQL/MariaDB cannot roll DDL back: what ran before the failure stays."
        )
    }

    /// A new database on the same server.
    public func scratchSettings(beside settings: ConnectionSettings) -> ConnectionSettings {
        var scratch = settings
        scratch.database = "strata_scratch_" + UUID().uuidString.prefix(8).lowercased()
        return scratch
    }
}
