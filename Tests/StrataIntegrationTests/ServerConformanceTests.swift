import Foundation
import Logging
import Strata
import Testing

/// Behaviours every driver of a database *server* must show, written once and run against
/// each server in ``TestDatabase/servers``: TLS modes, connection failures, the lock holder,
/// and the deploy-time race of eight `strata migrate` processes.
@Suite struct ServerConformanceTests {
    @Test(arguments: TestDatabase.servers)
    func tlsModes(engine: TestDatabase) async throws {
        let server = try #require(engine.server)
        let base = try server.settings()
        let collector = LogCollector()
        let logger = Logger(label: "test") { _ in collector }

        var require = base
        require.tls = .require
        let encrypted = try await engine.driver.connect(require, logger: logger)
        let isEncrypted = try await server.isEncrypted(encrypted)
        await encrypted.close()
        #expect(isEncrypted)
        #expect(collector.messages.contains { $0.contains("is not verified (tls: require)") })

        var disable = base
        disable.tls = .disable
        let plain = try await engine.driver.connect(disable, logger: logger)
        let isPlain = try await !server.isEncrypted(plain)
        await plain.close()
        #expect(isPlain)

        // The test servers' certificate is self-signed: verify-full must refuse it.
        var verify = base
        verify.tls = .verifyFull
        let error = await #expect(throws: StrataError.self) { _ = try await engine.driver.connect(verify, logger: logger) }
        #expect(error?.message.contains("TLS handshake failed") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("tls: require") == true)
    }

    @Test(arguments: TestDatabase.servers)
    func connectionFailuresNameHostPortAndCauseWithoutThePassword(engine: TestDatabase) async throws {
        let base = try #require(engine.server).settings()
        let logger = Logger(label: "test")

        var refused = base
        refused.port = 1
        refused.password = "hunter2-secret"
        let refusedError = await #expect(throws: StrataError.self) { _ = try await engine.driver.connect(refused, logger: logger) }
        #expect(refusedError?.message.contains(" at \(base.host ?? ""):1 as \(base.username ?? "")") == true, "\(refusedError?.message ?? "")")
        #expect(refusedError?.message.contains("connection refused") == true)

        var wrongPassword = base
        wrongPassword.password = "hunter2-secret"
        let authError = await #expect(throws: StrataError.self) { _ = try await engine.driver.connect(wrongPassword, logger: logger) }
        #expect(authError?.message.contains("authentication failed") == true, "\(authError?.message ?? "")")

        var missingDatabase = base
        missingDatabase.database = "strata_no_such_database"
        let missingError = await #expect(throws: StrataError.self) { _ = try await engine.driver.connect(missingDatabase, logger: logger) }
        #expect(missingError?.message.contains("database \"strata_no_such_database\" does not exist") == true, "\(missingError?.message ?? "")")

        for error in [refusedError, authError, missingError] {
            #expect(error?.code == .failure)
            #expect(error?.description.contains("hunter2-secret") == false)
        }

        var unknownOption = base
        unknownOption.options = ["sslrootcert": "x"]
        let optionError = await #expect(throws: StrataError.self) { _ = try await engine.driver.connect(unknownOption, logger: logger) }
        #expect(optionError?.code == .configuration)
    }

    @Test(arguments: TestDatabase.servers)
    func lockTimeoutNamesTheHolder(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.write("20250101000001", "one", up: "CREATE TABLE one (id INTEGER);")
        let holder = try await db.connect()
        #expect(try await holder.acquireMigrationLock(key: "strata:strata_migrations", timeout: .seconds(5)) == .acquired)
        let error = await #expect(throws: StrataError.self) { try await db.migrator(lockTimeout: .milliseconds(300)).migrate() }
        #expect(error?.code == .lockTimeout)
        #expect(error?.message.contains("held by \(try #require(engine.server).holder) ") == true, "\(error?.message ?? "")")
        await holder.close()
        // Ending the session released the lock.
        #expect(try await db.migrator(lockTimeout: .seconds(5)).migrate().count == 1)
    }

    @Test(arguments: TestDatabase.servers)
    func eightConcurrentProcessesApplyFiftyMigrationsExactlyOnce(engine: TestDatabase) async throws {
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        var migrations = [(version: "20250101000000", name: "create-runs", up: "CREATE TABLE runs (version VARCHAR(14) NOT NULL);")]
        for number in 1...49 {
            let version = String(format: "20250102%06d", number)
            migrations.append((version, "run-\(number)", "INSERT INTO runs (version) VALUES ('\(version)');"))
        }
        let project = try db.project(migrations)
        defer { project.remove() }
        let environment = db.projectConfiguration().environment
        let processes = try (0..<8).map { _ in
            try StrataProcess.start(["migrate", "--lock-timeout", "120"], in: project.path, environment: environment)
        }
        var results: [StrataProcess.Result] = []
        for process in processes { results.append(await StrataProcess.finish(process)) }

        for result in results { #expect(result.status == 0, "\(result)") }
        let reported = results.map { $0.stdout.split(separator: "\n").filter { $0.contains(": migrated (") }.count }
        #expect(reported.reduce(0, +) == 50)
        let rows = try await db.query("SELECT version, COUNT(*) AS n FROM runs GROUP BY version")
        #expect(rows.count == 49)
        #expect(rows.allSatisfy { $0["n"].integer == 1 })
        #expect(try await db.historyVersions().count == 50)
    }

    @Test(arguments: TestDatabase.servers)
    func waitGivesUpAfterItsTimeoutNamingTheLastError(engine: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let scheme = try #require(engine.server).settings().dialect
        try "environments:\n  development:\n    url: \(scheme)://app:hunter2-secret@127.0.0.1:1/app\n"
            .write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let started = Date()
        let result = try await StrataProcess.run(["wait", "--timeout", "1"], in: directory.path)
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("did not accept connections within 1.0 s"), "\(result)")
        #expect(result.stderr.contains("connection refused"))
        #expect(!result.stderr.contains("hunter2-secret"))

        // Against the running test server, wait returns at once.
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        let project = try db.project([])
        defer { project.remove() }
        let ready = try await db.strata(["wait", "--timeout", "10"], in: project)
        #expect(ready.status == 0, "\(ready)")
    }

    /// `migrate` and `undo` connect while their files load: a bad file is still reported
    /// first, naming it, and with good files the connection's own error is reported.
    @Test(arguments: TestDatabase.servers)
    func aBadFileIsReportedBeforeAnUnreachableServer(engine: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let scheme = try #require(engine.server).settings().dialect
        try "environments:\n  development:\n    url: \(scheme)://app:hunter2-secret@127.0.0.1:1/app\n"
            .write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        try "-- migrate:up\nCREATE TABLE good (id INTEGER);\n".write(toFile: directory.path + "/db/migrations/20250101000000-good.sql", atomically: true, encoding: .utf8)
        for command in [["migrate"], ["undo"]] {
            let unreachable = try await StrataProcess.run(command, in: directory.path)
            #expect(unreachable.status == 1, "\(unreachable)")
            #expect(unreachable.stderr.contains("127.0.0.1:1"), "\(unreachable)")
            #expect(!unreachable.stderr.contains("hunter2-secret"))
        }
        try "CREATE TABLE x (id INTEGER);\n".write(toFile: directory.path + "/db/migrations/20250101000001-no-up.sql", atomically: true, encoding: .utf8)
        for command in [["migrate"], ["undo"]] {
            let badFile = try await StrataProcess.run(command, in: directory.path)
            #expect(badFile.status == 2, "\(badFile)")
            #expect(badFile.stderr.contains("20250101000001-no-up.sql has no `-- migrate:up` section"), "\(badFile)")
            #expect(!badFile.stderr.contains("127.0.0.1:1"), "\(badFile)")
        }
    }

    @Test(arguments: TestDatabase.servers)
    func aFailingDumpLeavesNoFileAndNoPasswordAnywhere(engine: TestDatabase) async throws {
        var settings = try #require(engine.server).settings()
        settings.port = 1
        settings.password = "hunter2-secret"
        let method = try engine.driver.backupMethod(settings, logger: Logger(label: "test"))
        guard case .tool(let tool) = method.source else {
            Issue.record("a server's backup runs a dump tool")
            return
        }
        #expect(!tool.arguments.joined(separator: " ").contains("hunter2-secret"))
        #expect(tool.environment.values.contains("hunter2-secret"))

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manager = BackupManager(directory: directory.path + "/backups", environment: "test", settings: settings)
        let error = await #expect(throws: StrataError.self) { _ = try await manager.backup(method) }
        #expect(error?.message.contains("failed (exited(") == true, "\(error?.message ?? "")")
        #expect(error?.description.contains("hunter2-secret") == false)
        // No file, and not even the backups directory the failed backup made.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/backups"))
    }

    @Test(arguments: TestDatabase.servers)
    func statusOnAnUnreachableServerNamesItAndHidesThePassword(engine: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let scheme = try #require(engine.server).settings().dialect
        try "environments:\n  development:\n    url: \(scheme)://app:hunter2-secret@127.0.0.1:1/app\n"
            .write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        let result = try await StrataProcess.run(["status"], in: directory.path)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("at 127.0.0.1:1 as app: connection refused"), "\(result)")
        #expect(!result.stderr.contains("hunter2-secret") && !result.stdout.contains("hunter2-secret"))
    }
}
