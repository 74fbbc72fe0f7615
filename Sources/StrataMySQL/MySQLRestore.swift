import Foundation
import Logging
import Strata

/// How `strata restore` restores a MySQL/MariaDB dump. MySQL cannot roll back DDL, so a
/// restore cannot be made atomic; instead the dump is proven before the database is touched:
/// it must be a single-database dump that `mariadb-dump` finished (its `-- Dump completed`
/// trailer) naming no database of its own (no `USE` or `CREATE DATABASE`), and it must load
/// whole into a scratch database. Only then is the database emptied — its views, tables,
/// sequences, procedures and functions dropped, so that nothing created after the backup
/// survives — and the dump loaded into it.
struct MySQLRestore: Sendable {
    let driver: MySQLDriver
    let settings: ConnectionSettings
    let logger: Logger

    var method: RestoreMethod {
        RestoreMethod(
            inspect: { payload, name in
                let contents = try Self.inspect(payload, named: name)
                try await rehearse(payload, named: name)
                return contents
            },
            databaseExists: { [driver, settings, logger] in
                let connection = try await driver.connect(settings, for: .read, logger: logger)
                await connection.close()
                return true
            },
            replace: { source in
                try await clear()
                try await driver.loader(settings, logger: logger).run(input: source)
            },
            guarantee: "MySQL/MariaDB cannot roll back DDL: the dump loaded whole into a scratch database first, "
                + "but the database may now be partly restored."
        )
    }

    /// Reads the dump's header, trailer and statements.
    static func inspect(_ payload: String, named name: String) throws -> BackupContents {
        let refusal = { (what: String) in
            StrataError(.configuration, "\(name) \(what); nothing was restored.",
                        hint: "Restore a backup taken by `strata backup` of a mysql environment (mariadb-dump of one database).")
        }
        guard let handle = FileHandle(forReadingAtPath: payload) else { throw refusal("cannot be read") }
        defer { try? handle.close() }
        var lines = DumpLines(handle: handle)
        var header: [String] = []
        var last = ""
        var database: String?
        var lineNumber = 0
        while let line = lines.next() {
            lineNumber += 1
            if lineNumber <= 5 { header.append(line) }
            if line.hasPrefix("-- Host:"), let range = line.range(of: "Database: ") {
                database = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
            let upper = line.prefix(20).uppercased()
            if upper.hasPrefix("USE ") || upper.hasPrefix("CREATE DATABASE") {
                throw refusal("names a database of its own at line \(lineNumber) (`\(line.prefix(60))`): it is a dump of several databases, which Strata does not restore into one")
            }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty { last = line }
        }
        guard header.contains(where: { $0.hasPrefix("-- MariaDB dump") || $0.hasPrefix("-- MySQL dump") }) else {
            throw refusal("is not a MySQL or MariaDB dump (it does not begin with mariadb-dump's or mysqldump's header)")
        }
        guard last.hasPrefix("-- Dump completed") else {
            throw refusal("is an incomplete dump: it does not end with the dump tool's `-- Dump completed` line, so it is truncated")
        }
        return BackupContents(format: "MariaDB dump", database: database)
    }

    /// Drops every view, table, sequence, procedure and function of the database: what a
    /// dump of it holds, so that the restored database is the backup and nothing else.
    private func clear() async throws {
        let connection = try await driver.connect(settings, logger: logger)
        try await connection.closeAfter {
            let dialect = MySQLDialect()
            let objects = try await connection.query("""
                SELECT TABLE_TYPE AS kind, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
                UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
                """, [])
            var drops = ["SET FOREIGN_KEY_CHECKS = 0"]
            // Views first: a view over a table would otherwise outlive it as a broken view.
            for order in ["VIEW", "BASE TABLE", "SEQUENCE", "PROCEDURE", "FUNCTION"] {
                for object in objects where object["kind"].text == order {
                    guard let name = object["name"].text else { continue }
                    let keyword = order == "BASE TABLE" ? "TABLE" : order
                    drops.append("DROP \(keyword) IF EXISTS \(dialect.quoteIdentifier(name))")
                }
            }
            drops.append("SET FOREIGN_KEY_CHECKS = 1")
            for drop in drops { try await connection.execute(drop) }
        }
    }

    /// Loads the dump into a scratch database, then drops it: a dump that does not load
    /// whole is refused before the database is touched. Without the privilege to create a
    /// database, says so and goes on without the rehearsal.
    private func rehearse(_ payload: String, named name: String) async throws {
        let scratch = "strata_restore_" + UUID().uuidString.prefix(8).lowercased()
        let quoted = MySQLDialect().quoteIdentifier(scratch)
        let connection = try await driver.connect(settings, logger: logger)
        do {
            try await connection.execute("CREATE DATABASE \(quoted)")
        } catch {
            await connection.close()
            logger.warning("Cannot create a scratch database to try \(name) in first (\(error)); restoring without that rehearsal.")
            return
        }
        var target = settings
        target.database = scratch
        let loaded: Result<Void, any Error>
        do {
            try await driver.loader(target, logger: logger).run(input: payload)
            loaded = .success(())
        } catch {
            loaded = .failure(error)
        }
        try? await connection.execute("DROP DATABASE IF EXISTS \(quoted)")
        await connection.close()
        if case .failure(let error) = loaded {
            throw StrataError(.configuration, "\(name) does not load into a scratch database: \((error as? StrataError)?.message ?? "\(error)") Nothing was restored.",
                              hint: "Fix the dump, or restore another backup.")
        }
    }
}

/// The lines of a file, read a megabyte at a time.
private struct DumpLines {
    let handle: FileHandle
    private var buffer: [UInt8] = []
    private var cursor = 0
    private var finished = false

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer[cursor...].firstIndex(of: 0x0A) {
                defer { cursor = newline + 1 }
                return String(decoding: buffer[cursor..<newline], as: UTF8.self)
            }
            if finished {
                guard cursor < buffer.count else { return nil }
                defer { cursor = buffer.count }
                return String(decoding: buffer[cursor...], as: UTF8.self)
            }
            buffer.removeFirst(cursor)
            cursor = 0
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}
