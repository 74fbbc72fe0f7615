import Foundation
import Logging
import Strata

extension PostgresDriver {
    /// `pg_dump --schema-only --no-owner --no-privileges` of the environment's schema (or
    /// database) without Strata's tables, with its comments, `SET` lines, `set_config` calls
    /// and `\restrict` keys taken out; loaded with `psql --single-transaction`, stopping at
    /// the first error.
    public func schemaDumpMethod(_ settings: ConnectionSettings, logger: Logger) throws -> SchemaDumpMethod {
        var arguments = ["--schema-only", "--no-owner", "--no-privileges", "--exclude-table=*.strata_*"]
        if let schema = settings.schema { arguments += ["--schema", schema] }
        let dump = client("pg_dump", arguments: arguments, settings, logger: logger)
        let load = client("psql", arguments: ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"], settings, logger: logger)
        let place = PostgresRestore(driver: self, settings: settings, logger: logger)
        return SchemaDumpMethod(
            dump: {
                // A schema that does not exist yet holds nothing.
                guard try await place.databaseExists() else { return "" }
                let output = FileManager.default.temporaryDirectory.appendingPathComponent("strata-schema-\(UUID().uuidString).sql").path
                defer { try? FileManager.default.removeItem(atPath: output) }
                try await dump.run(output: output)
                var text = try String(contentsOfFile: output, encoding: .utf8)
                // The environment's schema is made by the load, not by the dump.
                let createSchema = settings.schema.map { ["CREATE SCHEMA \(PostgresDialect().quoteIdentifier($0));", "CREATE SCHEMA \($0);"] } ?? []
                if let schema = settings.schema { text = Self.unqualified(text, schema: schema) }
                return SchemaDumpMethod.tidy(text) { line in
                    line.hasPrefix("--") || line.hasPrefix("SET ") || line.hasPrefix("SELECT pg_catalog.set_config(")
                        || line.hasPrefix("\\restrict") || line.hasPrefix("\\unrestrict") || createSchema.contains(String(line))
                }
            },
            load: { file in
                var loading = load
                loading.arguments.insert("--file=\(file)", at: 0)
                // A schema's dump names no schema: it is loaded into the environment's.
                if let schema = settings.schema {
                    let prelude = file + ".prelude.sql"
                    let quoted = PostgresDialect().quoteIdentifier(schema)
                    try "CREATE SCHEMA IF NOT EXISTS \(quoted);\nSET search_path TO \(quoted);\n".write(toFile: prelude, atomically: true, encoding: .utf8)
                    defer { try? FileManager.default.removeItem(atPath: prelude) }
                    loading.arguments.insert("--file=\(prelude)", at: 0)
                    try await loading.run()
                } else {
                    try await loading.run()
                }
            },
            guarantee: "PostgreSQL: the load ran in one transaction, so nothing of it was kept."
        )
    }

    /// `text` with the schema's qualifier (`app.`, `"app".`) taken off every name, where it
    /// does not end another identifier: a schema's dump loads into any schema.
    static func unqualified(_ text: String, schema: String) -> String {
        let forms = [PostgresDialect().quoteIdentifier(schema) + ".", schema + "."]
        var result = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if let form = forms.first(where: { rest.hasPrefix($0) }),
               !(result.last.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "\"" } ?? false) {
                rest = rest.dropFirst(form.count)
                continue
            }
            result.append(rest.removeFirst())
        }
        return result
    }

    /// A new database on the same server, with the same schema setting.
    public func scratchSettings(beside settings: ConnectionSettings) -> ConnectionSettings {
        var scratch = settings
        scratch.database = "strata_scratch_" + UUID().uuidString.prefix(8).lowercased()
        return scratch
    }
}
