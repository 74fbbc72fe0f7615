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
            guarantee: "MySQL/MariaDB cannot roll DDL back: what ran before the failure stays.",
            runnable: Self.runnable
        )
    }

    /// A dump as plain statements: `DELIMITER` lines gone, `;;` ends made `;` (Strata's
    /// splitter keeps a trigger's or routine's `BEGIN … END` whole), and the executable
    /// comments `/*!50003 … */` opened, so that what they hold runs.
    static func runnable(_ sql: String) -> String {
        sql.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("DELIMITER ") }
            .map { line in line.hasSuffix(";;") ? String(line.dropLast()) : String(line) }
            .joined(separator: "\n")
            .replacing(/\/\*!\d{5}\s?(?<body>(?:[^*]|\*(?!\/))*)\*\//) { String($0.output.body) }
    }

    /// A new database on the same server.
    public func scratchSettings(beside settings: ConnectionSettings) -> ConnectionSettings {
        var scratch = settings
        scratch.database = "strata_scratch_" + UUID().uuidString.prefix(8).lowercased()
        return scratch
    }
}
