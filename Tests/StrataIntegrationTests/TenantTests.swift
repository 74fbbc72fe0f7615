import Foundation
import Logging
import Strata
import StrataSQLite
import Testing

/// Fleets of tenants on real databases: SQLite files by glob, PostgreSQL schemas and MariaDB
/// databases from a query; failures that stay with their tenant; bad input that runs nothing.
@Suite struct TenantTests {
    /// Three migrations; the second runs without a transaction and creates two tables, so a
    /// tenant that already has the second table is left dirty by it.
    static let migrations: [(version: String, name: String, up: String, options: String)] = [
        ("20250101000001", "create-log", "CREATE TABLE applied_log (n INTEGER);", ""),
        ("20250101000002", "create-audit-and-notes", "CREATE TABLE audit (id INTEGER);\nCREATE TABLE notes (id INTEGER);", "transaction:false"),
        ("20250101000003", "log-once", "INSERT INTO applied_log VALUES (1);", ""),
    ]

    /// A project whose environment `production` has `environment` (YAML lines, indented by four).
    static func project(_ environment: String) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try "environments:\n  production:\n\(environment)".write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        for migration in migrations {
            try "-- migrate:up \(migration.options)\n\(migration.up)\n-- migrate:down\nDROP TABLE IF EXISTS x_\(migration.version);\n".write(
                toFile: "\(directory.path)/db/migrations/\(migration.version)-\(migration.name).sql", atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// `status --all-tenants --json`, as tenant name → the states of its migrations (or the
    /// error of a tenant that could not be read).
    static func statusMatrix(in project: TemporaryDirectory, environment: [String: String] = [:]) async throws -> [String: [String]] {
        let result = try await StrataProcess.run(["status", "--all-tenants", "--json", "--env", "production"], in: project.path, environment: environment)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let tenants = try #require(object?["tenants"] as? [[String: Any]], "\(result)")
        var matrix: [String: [String]] = [:]
        for tenant in tenants {
            let name = tenant["name"] as? String ?? "?"
            if let error = tenant["error"] as? String {
                matrix[name] = ["error: \(error)"]
            } else {
                let migrations = (tenant["result"] as? [String: Any])?["migrations"] as? [[String: Any]] ?? []
                matrix[name] = migrations.map { $0["state"] as? String ?? "?" }
            }
        }
        return matrix
    }

    @Test func twoHundredSQLiteTenantsByGlobMigrateAndABrokenOneStopsNoOther() async throws {
        let project = try Self.project("    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        defer { project.remove() }
        let folder = project.path + "/tenants"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = (1...200).map { String(format: "t%03d", $0) }
        for name in names { #expect(FileManager.default.createFile(atPath: "\(folder)/\(name).sqlite3", contents: nil)) }
        // t050 already has `notes`, so the second migration stops halfway there: dirty.
        let connection = try await SQLiteDriver().connect(ConnectionSettings(dialect: "sqlite", storage: "\(folder)/t050.sqlite3"), logger: Logger(label: "test"))
        _ = try await queryOnce("CREATE TABLE notes (id INTEGER)", on: connection)
        // t100 is not a database at all.
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: "\(folder)/t100.sqlite3"))

        let run = try await StrataProcess.run(["migrate", "--all-tenants", "--concurrency", "4", "--env", "production"], in: project.path)
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("Migrating 200 tenants of production (SQLite files"), "\(run)")
        #expect(run.stdout.contains("== t001: 3 migrations applied ("), "\(run)")
        #expect(run.stdout.contains("198 tenants migrated, 2 failed: t050 ("), "\(run)")
        #expect(run.stdout.contains("t100 (Cannot use SQLite database"), "\(run)")
        #expect(run.stderr.contains("error: tenant t050: ") && run.stderr.contains("error: tenant t100: "), "\(run)")

        var matrix = try await Self.statusMatrix(in: project)
        #expect(matrix.count == 200)
        #expect(names.filter { !["t050", "t100"].contains($0) }.allSatisfy { matrix[$0] == ["applied", "applied", "applied"] })
        #expect(matrix["t050"] == ["applied", "dirty", "pending"], "\(matrix["t050"] ?? [])")
        #expect(matrix["t100"]?.first?.contains("file is not a database") == true)

        // Again: the dirty tenant is refused and the broken one still fails; the rest are up to date.
        let again = try await StrataProcess.run(["migrate", "--all-tenants", "--env", "production"], in: project.path)
        #expect(again.status == 1, "\(again)")
        #expect(again.stdout.contains("== t002: up to date ("), "\(again)")
        #expect(again.stdout.contains("198 tenants migrated, 2 failed: t050 ("), "\(again)")

        // --fail-fast: one at a time, nothing starts after the dirty tenant.
        let fast = try await StrataProcess.run(["migrate", "--all-tenants", "--concurrency", "1", "--fail-fast", "--env", "production"], in: project.path)
        #expect(fast.status == 1, "\(fast)")
        #expect(fast.stdout.contains("49 tenants migrated, 1 failed: t050 (") && fast.stdout.contains("; 150 not started after the first failure (--fail-fast)."), "\(fast)")
        #expect(fast.stderr.contains("Not started: t051, t052"), "\(fast)")

        // The text matrix: one row per tenant, the dirty one with its problem, the counts under it.
        let table = try await StrataProcess.run(["status", "--all-tenants", "--env", "production"], in: project.path)
        #expect(table.status == 1, "an unreadable tenant fails status: \(table)")
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("  t050 ") }?.split(separator: " ").joined(separator: " ")
        #expect(row == "t050 20250101000001 create-log 1 1 dirty", "\(table)")
        #expect(table.stdout.contains("200 tenants: 198 up to date, 1 with changed, missing or dirty migrations, 1 not read."), "\(table)")

        // Without the broken tenant, --exit-code reports the dirty one (5).
        try FileManager.default.removeItem(atPath: "\(folder)/t100.sqlite3")
        let code = try await StrataProcess.run(["status", "--all-tenants", "--exit-code", "--quiet", "--env", "production"], in: project.path)
        #expect(code.status == 5, "\(code)")
        matrix = try await Self.statusMatrix(in: project)
        #expect(matrix.count == 199)
    }

    @Test func theLibraryFanOutMigratesEachTenantAndKeepsFailuresApart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tenants = (1...6).map { Tenant(name: "c\($0)", connection: ConnectionSettings(dialect: "sqlite", storage: "\(directory.path)/c\($0).sqlite3")) }
        try Data("not sqlite at all, but long enough to be read as a header.....................................".utf8)
            .write(to: URL(fileURLWithPath: "\(directory.path)/c4.sqlite3"))
        let project = try Self.project("    url: sqlite:unused.sqlite3\n")
        defer { project.remove() }
        let migrations = try MigrationDirectory(path: project.path + "/db/migrations", syntax: SQLiteDriver().dialect.syntax).load()
        let seen = FinishedNames()
        let report = await TenantFanOut(concurrency: 2).migrate(tenants, migrations: migrations, driver: SQLiteDriver()) { seen.add($0.tenant.name) }
        #expect(report.outcomes.map(\.tenant.name) == tenants.map(\.name))
        #expect(Set(seen.names) == Set(tenants.map(\.name)))
        #expect(report.failures.map(\.tenant.name) == ["c4"])
        #expect(report.outcomes.filter { $0.value?.count == 3 }.count == 5)
        let status = try await Migrator(migrations: migrations, tenant: tenants[0], driver: SQLiteDriver()).status()
        #expect(status.map(\.state) == [.applied, .applied, .applied])
    }

    @Test func theLibraryReadsTheFleetFromTheConfigurationAsTheReadmeShows() async throws {
        let project = try Self.project("    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        defer { project.remove() }
        try FileManager.default.createDirectory(atPath: project.path + "/tenants", withIntermediateDirectories: true)
        for name in ["acme", "globex"] { #expect(FileManager.default.createFile(atPath: "\(project.path)/tenants/\(name).sqlite3", contents: nil)) }
        let logger = Logger(label: "test")
        let configuration = try ConfigurationLoader.load(path: project.path + "/strata.yml")
        let environment = try configuration.environment(named: "production", variables: [:])
        let fleet = try #require(environment.tenants)
        let driver = SQLiteDriver()
        let migrations = try MigrationDirectory(path: environment.migrationsDirectory, syntax: driver.dialect.syntax).load()
        let tenants = try await fleet.tenants(beside: environment.connection, driver: driver, logger: logger)
        #expect(tenants.map(\.name) == ["acme", "globex"])
        #expect(tenants.first?.connection.storage == project.path + "/tenants/acme.sqlite3")
        let report = await TenantFanOut(concurrency: 8).migrate(tenants, migrations: migrations, driver: driver)
        #expect(report.succeeded && report.outcomes.allSatisfy { $0.value?.count == 3 })
    }

    @Test func badTenantInputIsRefusedAndRunsNothing() async throws {
        // A pattern matching no file.
        let nowhere = try Self.project("    tenants: { sqlite: \"nowhere/*.sqlite3\" }\n")
        defer { nowhere.remove() }
        let none = try await StrataProcess.run(["migrate", "--all-tenants", "--env", "production"], in: nowhere.path)
        #expect(none.status == 2, "\(none)")
        #expect(none.stderr.contains("strata.yml:3: the tenants pattern") && none.stderr.contains("nowhere/*.sqlite3 matches no file"), "\(none)")

        // A tenant name that is not in the fleet: no tenant is touched.
        let project = try Self.project("    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        defer { project.remove() }
        try FileManager.default.createDirectory(atPath: project.path + "/tenants", withIntermediateDirectories: true)
        for name in ["acme", "beta"] { #expect(FileManager.default.createFile(atPath: "\(project.path)/tenants/\(name).sqlite3", contents: nil)) }
        let unknown = try await StrataProcess.run(["migrate", "--tenant", "acme", "--tenant", "gamma", "--env", "production"], in: project.path)
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("No tenant named gamma in environment \"production\"") && unknown.stderr.contains("Its tenants: acme, beta."), "\(unknown)")
        let sizes = try ["acme", "beta"].map { try FileManager.default.attributesOfItem(atPath: "\(project.path)/tenants/\($0).sqlite3")[.size] as? Int }
        #expect(sizes == [0, 0], "nothing may be run on any tenant")

        // An environment of tenants only needs --all-tenants or --tenant.
        let plain = try await StrataProcess.run(["migrate", "--env", "production"], in: project.path)
        #expect(plain.status == 2 && plain.stderr.contains("lists only tenants"), "\(plain)")
        // A command that never connects needs no database of the environment's own.
        let generated = try await StrataProcess.run(["generate", "add-note-to-users", "--env", "production"], in: project.path)
        #expect(generated.status == 0 && generated.stdout.contains("add-note-to-users.sql"), "\(generated)")
        // --all-tenants on an environment without tenants.
        let other = try Self.project("    url: sqlite:db/production.sqlite3\n")
        defer { other.remove() }
        let noFleet = try await StrataProcess.run(["status", "--all-tenants", "--env", "production"], in: other.path)
        #expect(noFleet.status == 2 && noFleet.stderr.contains("has no tenants"), "\(noFleet)")
        #expect(!FileManager.default.fileExists(atPath: other.path + "/db/production.sqlite3"))
        // A query form on SQLite, which has no schemas.
        let query = try Self.project("    url: sqlite:db/production.sqlite3\n    tenants: { schemas: \"SELECT 1\" }\n")
        defer { query.remove() }
        let noSchemas = try await StrataProcess.run(["migrate", "--all-tenants", "--env", "production"], in: query.path)
        #expect(noSchemas.status == 2 && noSchemas.stderr.contains("does not apply to sqlite"), "\(noSchemas)")
        // Options that go with tenants only.
        let stray = try await StrataProcess.run(["migrate", "--concurrency", "2", "--env", "production"], in: other.path)
        #expect(stray.status == 2 && stray.stderr.contains("--concurrency and --fail-fast go with --all-tenants"), "\(stray)")
    }

    /// `db prepare` and `db reset` fan out like every command: each tenant rebuilt, migrated
    /// or left alone as it needs, kept as its own template and cloned from it; production
    /// confirmed once; a tenant that is not a database fails alone.
    @Test func resetAndPrepareRunTenantByTenant() async throws {
        let project = try Self.project("    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        defer { project.remove() }
        let folder = project.path + "/tenants"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["acme", "beta", "gamma"] { #expect(FileManager.default.createFile(atPath: "\(folder)/\(name).sqlite3", contents: nil)) }
        let production = ["--env", "production"]

        let unconfirmed = try await StrataProcess.run(["db", "prepare", "--all-tenants"] + production, in: project.path)
        #expect(unconfirmed.status == 2, "\(unconfirmed)")
        #expect(unconfirmed.stderr.contains("Refusing to drop the databases of the production tenants (SQLite files tenants/*.sqlite3) without --yes."), "\(unconfirmed)")
        #expect(try FileManager.default.attributesOfItem(atPath: "\(folder)/acme.sqlite3")[.size] as? Int == 0, "nothing was touched")

        let prepared = try await StrataProcess.run(["db", "prepare", "--all-tenants", "--yes"] + production, in: project.path)
        #expect(prepared.status == 0, "\(prepared)")
        #expect(prepared.stdout.contains("== acme: reset (it has no migration applied): 3 migrations applied; kept as tenants/.acme.sqlite3.strata-template-"), "\(prepared)")
        #expect(prepared.stdout.contains("3 tenants prepared."), "\(prepared)")
        let again = try await StrataProcess.run(["db", "prepare", "--all-tenants", "--yes"] + production, in: project.path)
        #expect(again.status == 0 && again.stdout.contains("== beta: up to date (") && again.stdout.contains("3 tenants prepared."), "\(again)")

        let reset = try await StrataProcess.run(["db", "reset", "--tenant", "beta", "--yes"] + production, in: project.path)
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("== beta: cloned tenants/.beta.sqlite3.strata-template-") && reset.stdout.contains("1 tenant reset."), "\(reset)")
        #expect(!reset.stdout.contains("acme"), "only the tenant named was reset: \(reset)")
        // The templates are hidden files the tenants' glob does not take for tenants.
        let matrix = try await Self.statusMatrix(in: project)
        #expect(matrix == ["acme": ["applied", "applied", "applied"], "beta": ["applied", "applied", "applied"], "gamma": ["applied", "applied", "applied"]])

        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: "\(folder)/gamma.sqlite3"))
        let broken = try await StrataProcess.run(["db", "prepare", "--all-tenants", "--yes"] + production, in: project.path)
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stdout.contains("2 tenants prepared, 1 failed: gamma ("), "\(broken)")
        #expect(broken.stderr.contains("error: tenant gamma:"), "\(broken)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/gamma.sqlite3")) == Data(repeating: 0x42, count: 4096), "the file that is not a database was not dropped")
    }

    @Test func deploySeedBackupAndRestoreWorkTenantByTenant() async throws {
        let project = try Self.project("    tenants: { sqlite: \"tenants/*.sqlite3\" }\n")
        defer { project.remove() }
        let folder = project.path + "/tenants"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: project.path + "/db/seeders", withIntermediateDirectories: true)
        try "-- migrate:up\nINSERT INTO applied_log VALUES (42);\n-- migrate:down\nDELETE FROM applied_log WHERE n = 42;\n"
            .write(toFile: project.path + "/db/seeders/20250102000000-answer.sql", atomically: true, encoding: .utf8)
        for name in ["acme", "beta", "gamma"] { #expect(FileManager.default.createFile(atPath: "\(folder)/\(name).sqlite3", contents: nil)) }
        let production = ["--env", "production"]

        // A deploy starts the server only once every tenant is migrated.
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: "\(folder)/beta.sqlite3"))
        let refused = try await StrataProcess.run(["deploy", "--all-tenants", "--wait-timeout", "1"] + production + ["--", "/bin/echo", "server-started"], in: project.path)
        #expect(refused.status == 1 && !refused.stdout.contains("server-started"), "\(refused)")
        #expect(refused.stdout.contains("2 tenants migrated, 1 failed: beta (") && refused.stderr.contains("The server was not started"), "\(refused)")
        try FileManager.default.removeItem(atPath: "\(folder)/beta.sqlite3")
        #expect(FileManager.default.createFile(atPath: "\(folder)/beta.sqlite3", contents: nil))
        let deploy = try await StrataProcess.run(["deploy", "--all-tenants"] + production + ["--", "/bin/echo", "server-started"], in: project.path)
        #expect(deploy.status == 0 && deploy.stdout.contains("== beta: 3 migrations applied (") && deploy.stdout.contains("server-started"), "\(deploy)")

        let seed = try await StrataProcess.run(["seed", "--all-tenants"] + production, in: project.path)
        #expect(seed.status == 0 && seed.stdout.contains("== acme: 1 seeder applied (") && seed.stdout.contains("3 tenants seeded."), "\(seed)")

        let oneFile = try await StrataProcess.run(["backup", "--all-tenants", "--output", "all.gz"] + production, in: project.path)
        #expect(oneFile.status == 2 && oneFile.stderr.contains("--output names one file"), "\(oneFile)")

        // Each tenant's backups are its own: named after it, pruned apart, restored only into it.
        for _ in 1...2 {
            let backup = try await StrataProcess.run(["backup", "--all-tenants", "--keep", "1"] + production, in: project.path)
            #expect(backup.status == 0 && backup.stdout.contains("== acme: backed up to backups/backup-production@acme-"), "\(backup)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: project.path + "/backups").filter { !$0.hasSuffix(".manifest.json") }.sorted()
        #expect(files.map { $0.prefix(while: { $0 != "2" }) } == ["backup-production@acme-", "backup-production@beta-", "backup-production@gamma-"], "\(files)")
        let undo = try await StrataProcess.run(["undo", "--all", "--tenant", "acme"] + production, in: project.path)
        #expect(undo.status == 0, "\(undo)")
        let intoOther = try await StrataProcess.run(["restore", "backups/\(files[2])", "--tenant", "acme", "--yes"] + production, in: project.path)
        #expect(intoOther.status == 2 && intoOther.stderr.contains("(environment production@gamma), not of sqlite database"), "\(intoOther)")
        let restore = try await StrataProcess.run(["restore", "backups/\(files[0])", "--tenant", "acme", "--yes"] + production, in: project.path)
        #expect(restore.status == 0 && restore.stdout.contains("into tenant acme of production"), "\(restore)")
        let matrix = try await Self.statusMatrix(in: project)
        #expect(matrix["acme"] == ["applied", "applied", "applied"])
    }

    @Test(arguments: TestDatabase.servers)
    func aFleetFromAQueryMigratesOnceUnderTwoConcurrentRunsAndUndoesOneTenant(engine: TestDatabase) async throws {
        let scope: TenantScope = engine.driver.tenantScopes.contains(.schema) ? .schema : .database
        let count = scope == .schema ? 50 : 20
        let catalog = try await engine.fresh()
        defer { Task { await catalog.remove() } }
        let prefix = "strata_f_" + UUID().uuidString.prefix(6).lowercased()
        let names = (1...count).map { String(format: "\(prefix)_%02d", $0) }
        let logger = Logger(label: "test")
        let tenants = names.map { engine.driver.tenantSettings($0, scope: scope, beside: catalog.settings) }
        defer {
            Task { for tenant in tenants { _ = try? await engine.driver.dropDatabase(tenant, logger: logger) } }
        }
        // The application provisions its tenants; the catalog lists them.
        _ = try await engine.driver.createDatabase(catalog.settings, logger: logger)
        for tenant in tenants { _ = try await engine.driver.createDatabase(tenant, logger: logger) }
        _ = try await catalog.query("CREATE TABLE tenants (name VARCHAR(100))")
        _ = try await catalog.query("INSERT INTO tenants VALUES " + names.map { "('\($0)')" }.joined(separator: ", "))

        let (yaml, variables) = catalog.projectConfiguration()
        let project = try Self.project(yaml.split(separator: "\n").last.map { $0 + "\n" } ?? "")
        defer { project.remove() }
        let file = project.path + "/strata.yml"
        try (try String(contentsOfFile: file, encoding: .utf8) + "    tenants:\n      \(scope.configurationKey): SELECT name FROM tenants ORDER BY 1\n")
            .write(toFile: file, atomically: true, encoding: .utf8)

        // Two fleets at once: every tenant's migrations run exactly once.
        let arguments = ["migrate", "--all-tenants", "--concurrency", "4", "--env", "production"]
        let first = try StrataProcess.start(arguments, in: project.path, environment: variables)
        let second = try StrataProcess.start(arguments, in: project.path, environment: variables)
        let results = [await StrataProcess.finish(first), await StrataProcess.finish(second)]
        for result in results { #expect(result.status == 0, "\(result)") }
        #expect(results.contains { $0.stdout.contains("\(count) tenants migrated.") })
        for tenant in tenants {
            let connection = try await engine.driver.connect(tenant, logger: logger)
            let rows = try await connection.closeAfter {
                (try await connection.query("SELECT COUNT(*) AS n FROM applied_log", []), try await connection.query("SELECT COUNT(*) AS n FROM strata_migrations", []))
            }
            #expect(rows.0.first?["n"].integer == 1 && rows.1.first?["n"].integer == 3, "\(tenant.redactedDescription)")
        }
        // Nothing leaked into the catalog: each tenant's tables and history are its own.
        let leakedLog = try await catalog.hasTable("applied_log")
        let leakedHistory = try await catalog.hasTable("strata_migrations")
        #expect(!leakedLog && !leakedHistory)

        // One tenant undone, the others untouched.
        let undone = names[4]
        let undo = try await StrataProcess.run(["undo", "--tenant", undone, "--env", "production"], in: project.path, environment: variables)
        #expect(undo.status == 0 && undo.stdout.contains("== \(undone): 1 migration reverted ("), "\(undo)")
        let matrix = try await Self.statusMatrix(in: project, environment: variables)
        #expect(matrix.count == count)
        #expect(matrix[undone] == ["applied", "applied", "pending"], "\(matrix[undone] ?? [])")
        #expect(names.filter { $0 != undone }.allSatisfy { matrix[$0] == ["applied", "applied", "applied"] })
        let table = try await StrataProcess.run(["status", "--all-tenants", "--env", "production"], in: project.path, environment: variables)
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("  \(undone) ") }?.split(separator: " ").joined(separator: " ")
        #expect(row == "\(undone) 20250101000002 create-audit-and-notes 1 -", "\(table)")
        #expect(table.stdout.contains("\(count) tenants: \(count - 1) up to date, 1 with pending migrations."), "\(table)")
        let code = try await StrataProcess.run(["status", "--all-tenants", "--exit-code", "--quiet", "--env", "production"], in: project.path, environment: variables)
        #expect(code.status == 3, "\(code)")
    }

    @Test(.enabled(if: ServerEnvironment.postgresWanted))
    func theCommandLineRunsAtMostConcurrencyTenantsAtOnce() async throws {
        let engine = TestDatabase.postgres
        let catalog = try await engine.fresh()
        defer { Task { await catalog.remove() } }
        let logger = Logger(label: "test")
        let prefix = "strata_k_" + UUID().uuidString.prefix(6).lowercased()
        let names = (1...12).map { String(format: "\(prefix)_%02d", $0) }
        let tenants = names.map { engine.driver.tenantSettings($0, scope: .schema, beside: catalog.settings) }
        defer { Task { for tenant in tenants { _ = try? await engine.driver.dropDatabase(tenant, logger: logger) } } }
        _ = try await engine.driver.createDatabase(catalog.settings, logger: logger)
        _ = try await catalog.query("CREATE TABLE tenants (name VARCHAR(100))")
        _ = try await catalog.query("INSERT INTO tenants VALUES " + names.map { "('\($0)')" }.joined(separator: ", "))
        let (yaml, variables) = catalog.projectConfiguration()
        let project = try TemporaryDirectory()
        defer { project.remove() }
        try (yaml + "    tenants: { schemas: \"SELECT name FROM tenants ORDER BY 1\" }\n").write(toFile: project.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: project.path + "/db/migrations", withIntermediateDirectories: true)
        // Each tenant's migration sleeps between two rows it writes, with the server's clock,
        // into the catalog's schema: afterwards the rows show how many tenants migrated at
        // once, however busy this machine was while they ran.
        let runs = engine.driver.dialect.quoteIdentifier(try #require(catalog.settings.schema)) + ".runs"
        _ = try await catalog.query("CREATE TABLE runs (tenant VARCHAR(100), at TIMESTAMPTZ, edge INTEGER)")
        try """
            -- migrate:up
            INSERT INTO \(runs) VALUES (current_schema(), clock_timestamp(), 1);
            SELECT pg_sleep(0.4);
            INSERT INTO \(runs) VALUES (current_schema(), clock_timestamp(), -1);
            -- migrate:down

            """.write(toFile: project.path + "/db/migrations/20250101000001-slow.sql", atomically: true, encoding: .utf8)
        let result = try await StrataProcess.run(["migrate", "--all-tenants", "--concurrency", "3"], in: project.path, environment: variables)
        #expect(result.status == 0 && result.stdout.contains("12 tenants migrated."), "\(result)")
        let edges = try await catalog.query("SELECT edge FROM runs ORDER BY at, edge").compactMap { $0["edge"].integer }
        #expect(edges.count == 24)
        var running = 0
        var peak = 0
        for edge in edges {
            running += Int(edge)
            peak = max(peak, running)
        }
        #expect(peak <= 3, "at most --concurrency tenants migrate at once; seen \(peak)")
        #expect(peak >= 2, "tenants migrate side by side; seen \(peak)")
    }

    @Test(arguments: TestDatabase.servers)
    func aTenantsQueryThatFailsRunsNothing(engine: TestDatabase) async throws {
        let scope: TenantScope = engine.driver.tenantScopes.contains(.schema) ? .schema : .database
        let catalog = try await engine.fresh()
        defer { Task { await catalog.remove() } }
        let (yaml, variables) = catalog.projectConfiguration()
        let project = try Self.project((yaml.split(separator: "\n").last.map { $0 + "\n" } ?? "") + "    tenants: { \(scope.configurationKey): \"SELECT name FROM no_such_table\" }\n")
        defer { project.remove() }
        let run = try await StrataProcess.run(["migrate", "--all-tenants", "--env", "production"], in: project.path, environment: variables)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("strata.yml:4: the tenants query failed on") && run.stderr.contains("no_such_table"), "\(run)")

        // A query that names a tenant twice, or gives an empty name.
        let line = yaml.split(separator: "\n").last.map { $0 + "\n" } ?? ""
        for (query, expected) in [("SELECT 'a' UNION ALL SELECT 'a'", "returns \(scope.rawValue) a twice"), ("SELECT ''", "row 1 of the tenants query has no \(scope.rawValue) name")] {
            try ("environments:\n  production:\n" + line + "    tenants: { \(scope.configurationKey): \"\(query)\" }\n").write(toFile: project.path + "/strata.yml", atomically: true, encoding: .utf8)
            let refused = try await StrataProcess.run(["status", "--all-tenants", "--env", "production"], in: project.path, environment: variables)
            #expect(refused.status == 2 && refused.stderr.contains(expected), "\(refused)")
        }
        let history = try await catalog.hasTable("strata_migrations")
        #expect(!history)
    }
}

/// The names a fan-out reported as finished.
private final class FinishedNames: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    var names: [String] { lock.withLock { list } }
    func add(_ name: String) { lock.withLock { list.append(name) } }
}
