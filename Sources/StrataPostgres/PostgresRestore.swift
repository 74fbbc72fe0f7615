import Foundation
import Logging
import Strata

/// How `strata restore` restores a PostgreSQL backup (a `pg_dump` custom-format archive).
///
/// The archive is checked offline first: its `PGDMP` magic, then `pg_restore` reading its
/// table of contents and every entry through to the end, so a truncated or damaged file is
/// refused before the database is touched. The restore then *replaces* what the environment
/// holds — its schema when `schema:` is set, else every schema of the database — in one
/// transaction: `psql --single-transaction` runs a prelude that drops what is there, then the
/// archive's SQL. Objects created after the backup do not survive it, and a failure anywhere
/// rolls everything back.
struct PostgresRestore: Sendable {
    let driver: PostgresDriver
    let settings: ConnectionSettings
    let logger: Logger

    var method: RestoreMethod {
        RestoreMethod(
            inspect: { payload, name in try await Self.inspect(payload, named: name) },
            databaseExists: { try await databaseExists() },
            replace: { source in try await replace(with: source) },
            guarantee: "PostgreSQL: the restore ran in one transaction, so the database is unchanged."
        )
    }

    static func inspect(_ payload: String, named name: String) async throws -> BackupContents {
        guard RestoreMethod.leadingBytes(of: payload, count: 5) == Data("PGDMP".utf8) else {
            throw StrataError(.configuration, "\(name) is not a pg_dump custom-format archive (it does not start with PGDMP); nothing was restored.",
                              hint: "Restore a backup taken by `strata backup` of a postgres environment; a plain SQL dump is restored with psql.")
        }
        let listing = payload + ".list"
        do {
            // The table of contents, then every entry read through to the end, offline.
            try await ToolInvocation(["pg_restore"], arguments: ["--list", payload]).run(output: listing)
            try await ToolInvocation(["pg_restore"], arguments: ["--file=/dev/null", payload]).run()
        } catch let error as StrataError {
            throw StrataError(.configuration, "\(name) is a damaged pg_dump archive: \(error.message) Nothing was restored.",
                              hint: "The file is truncated or corrupt: restore another backup.")
        }
        let contents = (try? String(contentsOfFile: listing, encoding: .utf8)) ?? ""
        let database = contents.split(separator: "\n").first { $0.hasPrefix(";") && $0.lowercased().contains("dbname:") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return BackupContents(format: "pg_dump custom-format archive", database: database)
    }

    /// Whether the database, and the schema when one is set, exist.
    func databaseExists() async throws -> Bool {
        var database = settings
        database.schema = nil
        let connection = try await driver.connect(database, for: .read, logger: logger)
        guard let schema = settings.schema else {
            await connection.close()
            return true
        }
        return try await connection.closeAfter {
            try await !connection.query("SELECT 1 AS found FROM pg_catalog.pg_namespace WHERE nspname = $1", [.text(schema)]).isEmpty
        }
    }

    /// The archive's SQL (written offline by `pg_restore`), after the prelude that clears
    /// the place it restores into, in one transaction that stops at the first error.
    private func replace(with archive: String) async throws {
        let script = archive + ".sql"
        let prelude = archive + ".prelude.sql"
        try await ToolInvocation(["pg_restore"], arguments: ["--no-owner", "--file=\(script)", archive]).run()
        do {
            try clearing.write(toFile: prelude, atomically: true, encoding: .utf8)
        } catch {
            throw StrataError(.failure, "Cannot write \(prelude) to restore with: \(error.localizedDescription)")
        }
        let arguments = ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", "--file=\(prelude)", "--file=\(script)"]
        try await driver.client("psql", arguments: arguments, settings, logger: logger).run()
    }

    /// The SQL that empties what the restore replaces: the environment's schema, or — for a
    /// whole database — every schema but PostgreSQL's own, with `public` made anew under its
    /// owner and privileges as they were.
    private var clearing: String {
        if let schema = settings.schema {
            return "DROP SCHEMA IF EXISTS \(PostgresDialect().quoteIdentifier(schema)) CASCADE;\n"
        }
        return """
            DO $strata$
            DECLARE
                item record;
                public_owner text;
                public_acl aclitem[];
            BEGIN
                FOR item IN SELECT nspname FROM pg_catalog.pg_namespace
                        WHERE nspname <> 'public' AND nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' LOOP
                    EXECUTE format('DROP SCHEMA %I CASCADE', item.nspname);
                END LOOP;
                SELECT nspowner::regrole::text, nspacl INTO public_owner, public_acl FROM pg_catalog.pg_namespace WHERE nspname = 'public';
                IF public_owner IS NOT NULL THEN
                    DROP SCHEMA public CASCADE;
                    CREATE SCHEMA public;
                    EXECUTE format('ALTER SCHEMA public OWNER TO %s', public_owner);
                    FOR item IN SELECT privilege_type, grantee FROM aclexplode(public_acl) LOOP
                        EXECUTE format('GRANT %s ON SCHEMA public TO %s', item.privilege_type,
                                       CASE WHEN item.grantee = 0 THEN 'PUBLIC' ELSE item.grantee::regrole::text END);
                    END LOOP;
                END IF;
            END
            $strata$;

            """
    }
}
