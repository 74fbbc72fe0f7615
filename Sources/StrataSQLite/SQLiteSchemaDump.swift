import Foundation
import Logging
import Strata

extension SQLiteDriver {
    /// The schema from `sqlite_master`, every statement as it was written, in the order the
    /// objects were created (which keeps what depends on something after it); loaded in one
    /// transaction.
    public func schemaDumpMethod(_ settings: ConnectionSettings, logger: Logger) throws -> SchemaDumpMethod {
        let driver = self
        return SchemaDumpMethod(
            dump: {
                let connection = try await driver.connect(settings, for: .read, logger: logger)
                return try await connection.closeAfter {
                    try await connection.query(
                        """
                        SELECT sql FROM sqlite_master WHERE sql IS NOT NULL
                        AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                        AND name NOT LIKE 'strata\\_%' ESCAPE '\\' AND tbl_name NOT LIKE 'strata\\_%' ESCAPE '\\'
                        ORDER BY rowid
                        """, []
                    ).compactMap { $0["sql"].text.map { $0 + ";" } }.joined(separator: "\n\n")
                }
            },
            load: { file in
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw StrataError(.failure, "Cannot read \(file): \(error.localizedDescription)")
                }
                let statements = try StatementSplitter(syntax: SQLiteDialect().syntax).split(text)
                let connection = try await driver.connect(settings, for: .change, logger: logger)
                try await connection.closeAfter {
                    try await connection.beginTransaction()
                    do {
                        for statement in statements { try await connection.execute(statement.text) }
                        try await connection.commitTransaction()
                    } catch {
                        try? await connection.rollbackTransaction()
                        throw error
                    }
                }
            },
            guarantee: "SQLite: the load ran in one transaction, so nothing of it was kept."
        )
    }

    /// A new file in the system's temporary directory.
    public func scratchSettings(beside settings: ConnectionSettings) -> ConnectionSettings {
        var scratch = settings
        scratch.storage = FileManager.default.temporaryDirectory.appendingPathComponent("strata-scratch-\(UUID().uuidString).sqlite3").path
        return scratch
    }
}
