#if MySQL
import Foundation
import Logging
import Strata
@testable import StrataMySQL
import Testing

/// Strata on a 3-node MariaDB Galera cluster (scripts/start-cluster): the lease lock holds
/// across nodes, bookkeeping survives certification conflicts, DDL runs in total order.
/// Serialized: one test changes a node's global setting, and each trial loads all nodes.
@Suite(.serialized, .enabled(if: ServerEnvironment.clusterWanted))
struct GaleraTests {
    /// A database of its own on the cluster, created on node 1 and present on every node.
    struct ClusterDatabase {
        let name: String
        let urls: [String]

        static func create() async throws -> ClusterDatabase {
            let nodes = try ServerEnvironment.galeraURLs()
            try #require(nodes.count == 3)
            let name = "strata_g_" + UUID().uuidString.prefix(8).lowercased()
            try await onNode(nodes[0]) { try await $0.execute("CREATE DATABASE \(name)") }
            for node in nodes.dropFirst() {
                let present = try await eventually(within: 120) {
                    try await onNode(node) { !(try await $0.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [.text(name)]).isEmpty) }
                }
                try #require(present, "database \(name) did not reach \(node)")
            }
            return ClusterDatabase(name: name, urls: try nodes.map { try clusterURL($0, database: name) })
        }

        /// Runs `body` over a connection to `url` (a node, with or without this database).
        static func onNode<T: Sendable>(_ url: String, _ body: (any DatabaseConnection) async throws -> T) async throws -> T {
            let connection = try await MySQLDriver().connect(try DatabaseURL.parse(url), logger: Logger(label: "test"))
            return try await connection.closeAfter { try await body(connection) }
        }

        func query(_ sql: String, node: Int = 0) async throws -> [DatabaseRow] {
            try await Self.onNode(urls[node]) { try await $0.query(sql, []) }
        }

        func count(_ sql: String, node: Int = 0) async throws -> Int64 {
            try await query(sql, node: node).first?["n"].integer ?? -1
        }

        /// The environments `n1`, `n2`, `n3`, one per node, with `query` added to each URL.
        func environments(query: String? = nil) throws -> [(name: String, url: String)] {
            try urls.enumerated().map { ("n\($0.offset + 1)", try clusterURL($0.element, query: query)) }
        }

        func drop() async {
            _ = try? await Self.onNode(urls[0]) { try await $0.execute("DROP DATABASE IF EXISTS \(name)") }
        }
    }

    /// Eight runs at once, spread over the three nodes, apply 30 migrations exactly once and
    /// all exit 0 — in every trial. (`scripts/cluster-campaign` repeats it 20 times.)
    @Test func eightRunsOverThreeNodesApplyThirtyMigrationsExactlyOnce() async throws {
        for _ in 1...3 {
            let database = try await ClusterDatabase.create()
            let project = try ClusterProject(environments: try database.environments(), migrations: ClusterProject.tableMigrations(30))
            let runs = try (0..<8).map { try project.start(["migrate", "--env", "n\($0 % 3 + 1)", "--lock-timeout", "120"]) }
            var results: [StrataProcess.Result] = []
            for run in runs { results.append(await StrataProcess.finish(run)) }
            for result in results { #expect(result.status == 0, "\(result)") }
            let reported = results.map { $0.stdout.split(separator: "\n").filter { $0.contains(": migrated (") }.count }
            #expect(reported.reduce(0, +) == 30, "each migration is reported applied by exactly one run")
            for node in 0..<3 {
                #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations", node: node) == 30)
                #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations_progress", node: node) == 0)
            }
            #expect(try await database.count(
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't\\_%'") == 30)
            // The lease was released: its row is gone.
            #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_locks") == 0)
            project.remove()
            await database.drop()
        }
    }

    /// A run killed outright while it holds the lease: the next run, on another node, waits
    /// for the lease to expire — no longer than the lease — then finds the killed run's
    /// migration dirty, as on one server; resolved, the migrations go on.
    @Test func aRunKilledHoldingTheLeaseDelaysTheNextByAtMostTheLease() async throws {
        let database = try await ClusterDatabase.create()
        defer { Task { await database.drop() } }
        let project = try ClusterProject(environments: try database.environments(query: "lock_lease=3"), migrations: [
            ("20250101000001", "create-a", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
            ("20250101000002", "slow", "SELECT SLEEP(60);"),
            ("20250101000003", "create-b", "CREATE TABLE b (id INTEGER PRIMARY KEY);"),
        ])
        defer { project.remove() }
        let killed = try project.start(["migrate", "--env", "n1"])
        let sleeping = try await eventually(within: 120) {
            try await database.count("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'") > 0
        }
        try #require(sleeping, "the first run did not reach its slow migration")
        // While its run lives (and renews the lease), the migration is running, not dirty, on any node.
        let whileRunning = try await project.strata(["status", "--env", "n3"])
        #expect(whileRunning.stdout.contains("running") && whileRunning.stdout.contains("being applied now"), "\(whileRunning)")
        #expect(!whileRunning.stdout.contains("dirty"), "\(whileRunning)")
        kill(killed.0.processIdentifier, SIGKILL)
        _ = await StrataProcess.finish(killed)
        // The server goes on sleeping for the dead client; the lease is what must end.
        let started = Date()
        let next = try await project.strata(["migrate", "--env", "n2", "--lock-timeout", "30"])
        let waited = Date().timeIntervalSince(started)
        #expect(waited < 3 + 2.5, "waited \(waited) s for a 3 s lease")
        #expect(next.status == 5, "\(next)")
        #expect(next.stderr.contains("20250101000002-slow") && next.stderr.contains("dirty"), "\(next)")
        #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations", node: 1) == 1)

        let resolved = try await project.strata(["resolve", "20250101000002", "--applied", "--env", "n3"])
        #expect(resolved.status == 0, "\(resolved)")
        let rest = try await project.strata(["migrate", "--env", "n3"])
        #expect(rest.status == 0, "\(rest)")
        #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations", node: 2) == 3)
    }

    /// A failing DDL on the cluster: the migration is dirty after its first statement, on
    /// every node; fixed, it resumes on another node after that statement.
    @Test func aFailingStatementLeavesTheMigrationDirtyAndItResumesOnAnotherNode() async throws {
        let database = try await ClusterDatabase.create()
        defer { Task { await database.drop() } }
        let broken = ("20250101000001", "two-tables", "CREATE TABLE first_table (id INTEGER PRIMARY KEY);\nCREATE TABLE first_table (id INTEGER PRIMARY KEY);")
        let project = try ClusterProject(environments: try database.environments(), migrations: [broken])
        defer { project.remove() }
        let failed = try await project.strata(["migrate", "--env", "n2"])
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("already exists"), "\(failed)")
        let status = try await project.strata(["status", "--env", "n3"])
        #expect(status.stdout.contains("dirty") && status.stdout.contains("1 of 2"), "\(status)")

        try project.write(("20250101000001", "two-tables", "CREATE TABLE first_table (id INTEGER PRIMARY KEY);\nCREATE TABLE second_table (id INTEGER PRIMARY KEY);"))
        let resumed = try await project.strata(["migrate", "--resume", "--allow-changed", "--env", "n1"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations", node: 2) == 1)
        #expect(try await database.count("SELECT COUNT(*) AS n FROM strata_migrations_progress", node: 1) == 0)
        #expect(try await database.count(
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('first_table', 'second_table')", node: 2) == 2)
    }

    /// A node that runs schema changes with RSU (its own node only) is refused before
    /// anything is taken or written, with what to do.
    @Test func aNodeInRollingSchemaUpgradeModeIsRefused() async throws {
        let database = try await ClusterDatabase.create()
        defer { Task { await database.drop() } }
        let project = try ClusterProject(environments: try database.environments(), migrations: ClusterProject.tableMigrations(1))
        defer { project.remove() }
        try await ClusterDatabase.onNode(database.urls[2]) { try await $0.execute("SET GLOBAL wsrep_OSU_method = 'RSU'") }
        let result: StrataProcess.Result
        do {
            // A dry run first: were the refusal broken, a real run would write to a node that
            // no longer replicates its schema changes, and split the cluster.
            let dryRun = try await project.strata(["migrate", "--dry-run", "--env", "n3"])
            try #require(dryRun.status == 2, "\(dryRun)")
            result = try await project.strata(["migrate", "--env", "n3"])
        } catch {
            _ = try? await ClusterDatabase.onNode(database.urls[2]) { try await $0.execute("SET GLOBAL wsrep_OSU_method = 'TOI'") }
            throw error
        }
        try await ClusterDatabase.onNode(database.urls[2]) { try await $0.execute("SET GLOBAL wsrep_OSU_method = 'TOI'") }
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("wsrep_OSU_method=RSU") && result.stderr.contains("TOI"), "\(result)")
        #expect(try await database.count(
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()", node: 0) == 0, "nothing was created")
    }

    /// A bad lease length and a list of servers are refused before any connection.
    @Test func badLeaseLengthsAndServerListsAreRefused() async throws {
        for (url, expected) in [
            ("mysql://app@127.0.0.1:1/app?lock_lease=1", "lock_lease=1 in"),
            ("mysql://app@127.0.0.1:1/app?lock_lease=soon", "lock_lease=soon in"),
            ("mysql://app@127.0.0.1:1,127.0.0.1:2/app", "lists several servers"),
        ] {
            let settings = try DatabaseURL.parse(url)
            let error = await #expect(throws: StrataError.self) { _ = try await MySQLDriver().connect(settings, logger: Logger(label: "test")) }
            #expect(error?.code == .configuration)
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        }
    }

    /// The facts a connection reads: a Galera node, its schema upgrade method, read-only.
    @Test func serverFactsComeFromTheServersVariables() {
        let galera = MySQLServerFacts(variables: [("wsrep_on", "ON"), ("wsrep_OSU_method", "RSU"), ("read_only", "OFF")])
        #expect(galera.isGalera && galera.schemaUpgradeMethod == "RSU" && !galera.isReadOnly)
        #expect(MySQLServerFacts(variables: [("wsrep_on", "ON"), ("wsrep_osu_method", "RSU")]).schemaUpgradeMethod == "RSU", "as MariaDB spells it")
        let replica = MySQLServerFacts(variables: [("read_only", "ON")])
        #expect(!replica.isGalera && replica.schemaUpgradeMethod == "TOI" && replica.isReadOnly)
        // MySQL 8 has no wsrep variables: SHOW VARIABLES leaves them out, and it is no Galera node.
        let mysql = MySQLServerFacts(variables: [("read_only", "OFF"), ("version", "8.0.36"), ("version_comment", "MySQL Community Server - GPL")])
        #expect(!mysql.isGalera && mysql.schemaUpgradeMethod == "TOI" && !mysql.isReadOnly)
        #expect(mysql.flavor == MySQLFlavor(.mysql, version: [8, 0, 36]))
    }
}
#endif
