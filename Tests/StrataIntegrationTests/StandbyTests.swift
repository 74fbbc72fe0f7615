import Foundation
import Logging
import Strata
@testable import StrataPostgres
import Testing

/// Strata against a PostgreSQL primary and its streaming standby (scripts/start-cluster):
/// changes are refused on the standby before anything is taken, a multi-host URL finds the
/// primary, and a run whose primary goes away stops and says what it applied. Serialized:
/// one test stops the primary.
@Suite(.serialized, .enabled(if: ServerEnvironment.clusterWanted))
struct StandbyTests {
    let primaryURL: String
    let standbyURL: String
    let schema = "strata_s_" + UUID().uuidString.prefix(8).lowercased()

    init() throws {
        primaryURL = try ServerEnvironment.clusterURL("STRATA_PG_PRIMARY_URL")
        standbyURL = try ServerEnvironment.clusterURL("STRATA_PG_STANDBY_URL")
    }

    /// Runs `sql` on the primary.
    func onPrimary(_ sql: String) async throws -> [DatabaseRow] {
        let connection = try await PostgresDriver().connect(try DatabaseURL.parse(primaryURL), logger: Logger(label: "test"))
        return try await queryOnce(sql, on: connection)
    }

    func dropSchema() async {
        _ = try? await onPrimary("DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }

    /// `migrate`, `migrate --dry-run` and `undo` on the standby stop at once, exit 2, naming it a
    /// read-only standby; `status` works there.
    @Test func changesAreRefusedOnTheStandbyAndStatusWorks() async throws {
        defer { Task { await dropSchema() } }
        let project = try ClusterProject(environments: [("replica", try clusterURL(standbyURL, query: "schema=\(schema)"))],
                                         migrations: ClusterProject.tableMigrations(2))
        defer { project.remove() }
        for command in [["migrate"], ["migrate", "--dry-run"], ["undo"], ["undo", "--dry-run"], ["redo"], ["baseline"], ["baseline", "--dry-run"],
                        ["import", "sequelize", "--dry-run"], ["seed"], ["resolve", "20250101000001", "--applied"]] {
            let refused = try await project.strata(command + ["--env", "replica"])
            #expect(refused.status == 2, "\(command): \(refused)")
            #expect(refused.stderr.contains("is a read-only standby") && refused.stderr.contains("target_session_attrs=primary"), "\(command): \(refused)")
        }
        let status = try await project.strata(["status", "--env", "replica"])
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout.contains("20250101000002") && status.stdout.contains("pending"), "\(status)")
        #expect(try await onPrimary("SELECT 1 FROM pg_namespace WHERE nspname = '\(schema)'").isEmpty, "nothing was created")
    }

    /// A URL listing the standby first finds the primary (by default, and with
    /// target_session_attrs=primary); `standby` reaches the standby, where `status` and
    /// `schema check` work; a list without a primary is refused, naming each server and
    /// what it is.
    @Test func aMultiHostURLConnectsToThePrimary() async throws {
        defer { Task { await dropSchema() } }
        let standby = try DatabaseURL.parse(standbyURL)
        let primary = try DatabaseURL.parse(primaryURL)
        let hosts = "127.0.0.1:\(standby.port ?? 0),127.0.0.1:\(primary.port ?? 0)"
        let both = "postgres://strata:\(primary.password ?? "")@\(hosts)/\(primary.database ?? "")"
        let project = try ClusterProject(environments: [
            ("listed", "\(both)?schema=\(schema)"),
            ("primary", "\(both)?schema=\(schema)&target_session_attrs=primary"),
            ("standby", "\(both)?schema=\(schema)&target_session_attrs=standby"),
            ("nowhere", "postgres://strata:\(primary.password ?? "")@127.0.0.1:\(standby.port ?? 0),127.0.0.1:1/\(primary.database ?? "")?schema=\(schema)"),
        ], migrations: ClusterProject.tableMigrations(2))
        defer { project.remove() }
        let migrated = try await project.strata(["migrate", "--env", "listed"])
        #expect(migrated.status == 0, "\(migrated)")
        #expect(try await onPrimary("SELECT version FROM \(schema).strata_migrations").count == 2)
        let again = try await project.strata(["migrate", "--env", "primary"])
        #expect(again.status == 0 && again.stdout.contains("Nothing to migrate"), "\(again)")
        let onStandby = try await project.strata(["migrate", "--env", "standby"])
        #expect(onStandby.status == 2 && onStandby.stderr.contains("read-only standby"), "\(onStandby)")
        let replicated = try await eventually(within: 120) {
            let status = try await project.strata(["status", "--env", "standby"])
            return status.status == 0 && !status.stdout.contains("pending")
        }
        #expect(replicated, "the standby's status shows the applied migrations")

        // schema check works on the standby, which cannot hold a scratch database: the dumps
        // are compared statement by statement.
        let dumped = try await project.strata(["schema", "dump", "--env", "primary", "--output", "schema.sql"])
        #expect(dumped.status == 0, "\(dumped)")
        let matches = try await project.strata(["schema", "check", "schema.sql", "--env", "standby"])
        #expect(matches.status == 0 && matches.stdout.contains("matches schema.sql"), "\(matches)")
        _ = try await onPrimary("ALTER TABLE \(schema).t_01 ADD COLUMN note TEXT")
        let drifted = try await eventually(within: 120) {
            let check = try await project.strata(["schema", "check", "schema.sql", "--env", "standby"])
            return check.status == 3 && check.stdout.contains("note text") && check.stdout.contains("in the database, not in schema.sql")
        }
        #expect(drifted, "schema check on the standby names the column added on the primary")
        let nowhere = try await project.strata(["migrate", "--env", "nowhere"])
        #expect(nowhere.status == 1, "\(nowhere)")
        #expect(nowhere.stderr.contains("None of the servers") && nowhere.stderr.contains("a standby") && nowhere.stderr.contains("127.0.0.1:1 ("), "\(nowhere)")
    }

    /// The primary stops mid-run: the run stops (exit 1) having reported what it applied,
    /// never goes on elsewhere; with the primary back, the history holds exactly that, and
    /// the next run applies the rest.
    @Test func aPrimaryStoppedMidRunStopsTheRun() async throws {
        defer { Task { await dropSchema() } }
        let project = try ClusterProject(environments: [("primary", try clusterURL(primaryURL, query: "schema=\(schema)"))], migrations: [
            ("20250101000001", "create-a", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
            ("20250101000002", "slow", "SELECT pg_sleep(30);"),
            ("20250101000003", "create-b", "CREATE TABLE b (id INTEGER PRIMARY KEY);"),
        ])
        defer { project.remove() }
        let run = try project.start(["migrate", "--env", "primary"])
        let sleeping = try await eventually(within: 120) {
            !(try await onPrimary("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg\\_sleep(30)%'").isEmpty)
        }
        try #require(sleeping, "the run did not reach its slow migration")
        let directory = try ServerEnvironment.clusterURL("STRATA_CLUSTER_DIR") + "/postgres/primary"
        try await runCommand("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop"])
        let stopped = await StrataProcess.finish(run)
        // Restarted by the project's own script, as a test run would find it.
        try await runCommand(packageRoot + "/scripts/start-cluster", [])
        #expect(stopped.status == 1, "\(stopped)")
        #expect(stopped.stdout.contains("20250101000001 create-a: migrated"), "\(stopped)")
        #expect(!stopped.stdout.contains("20250101000003"), "\(stopped)")
        #expect(stopped.stderr.contains("connection to the database server was lost") && stopped.stderr.contains("never goes on"), "\(stopped)")
        #expect(try await onPrimary("SELECT version FROM \(schema).strata_migrations").compactMap { $0["version"].text } == ["20250101000001"])
        #expect(try await onPrimary("SELECT COUNT(*) AS n FROM \(schema).strata_migrations_progress").first?["n"].integer == 0)
        let rest = try await project.strata(["migrate", "--env", "primary"])
        #expect(rest.status == 0, "\(rest)")
        #expect(try await onPrimary("SELECT version FROM \(schema).strata_migrations").count == 3)
    }

    /// Bad cluster options in a URL are refused before any connection, naming the value and
    /// what is accepted.
    @Test func badClusterOptionsAreNamed() async throws {
        for (query, expected) in [("target_session_attrs=leader", "target_session_attrs=leader"), ("pooler=maybe", "pooler=maybe")] {
            let settings = try DatabaseURL.parse("postgres://app@127.0.0.1:1/app?\(query)")
            let error = await #expect(throws: StrataError.self) { _ = try await PostgresDriver().connect(settings, logger: Logger(label: "test")) }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains(expected) == true && error?.message.contains("is not one of") == true, "\(error?.message ?? "")")
        }
    }

    /// Engines that speak PostgreSQL's protocol but are not PostgreSQL are known by `version()`.
    @Test func foreignEnginesAreRecognisedByTheirVersion() {
        #expect(PostgresServerFacts.foreignEngine(version: "CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27)") == "CockroachDB")
        #expect(PostgresServerFacts.foreignEngine(version: "PostgreSQL 11.2-YB-2.18.0.0-b0 on x86_64-pc-linux-gnu") == "YugabyteDB")
        #expect(PostgresServerFacts.foreignEngine(version: "PostgreSQL 8.0.2 on i686-pc-linux-gnu, compiled by GCC gcc (GCC) 3.4.2 20041017 (Red Hat 3.4.2-6.fc3), Redshift 1.0.56754") == "Amazon Redshift")
        #expect(PostgresServerFacts.foreignEngine(version: "PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu") == nil)
        let facts = PostgresServerFacts(version: "", isStandby: true, isReadOnlyByDefault: false, serverPort: 5432)
        #expect(TargetSessionAttributes.standby.accepts(facts) && !TargetSessionAttributes.primary.accepts(facts) && TargetSessionAttributes.any.accepts(facts))
    }
}

/// Adds to `actions` the closing of every descriptor from 3 up (glibc's
/// `posix_spawn_file_actions_addclosefrom_np`, 2.34 and later, which Swift's Glibc module does
/// not declare: looked up by name).
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) -> Int32 {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return -1 }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
}

/// The package's root directory.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// Runs a program to its end, its output discarded; throws unless it exits 0. Spawned and
/// awaited with `posix_spawn` and `waitpid` on a thread of its own: Foundation's `Process`
/// may never see the end of a script whose children become daemons.
func runCommand(_ program: String, _ arguments: [String]) async throws {
    let status = await StrataProcess.onThreadOfItsOwn { () -> Int32 in
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // Nothing else goes to the child: a server it starts lives on, and would hold open
        // the pipes of a `strata` another test is running at the same moment, whose reader
        // then never sees their end (a CI run hung so, 2026-12-06).
        guard closeInheritedDescriptors(&actions) == 0 else { return -1 }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
    guard status == 0 else {
        throw StrataError.failure("\(program) \(arguments.joined(separator: " ")) failed (wait status \(status))")
    }
}
