import Foundation
import Logging
import Strata
@testable import StrataPostgres
import Testing

/// Strata through PgBouncer in transaction pooling mode (scripts/start-cluster): the lock
/// never outlives a run on the server, `schema:` never reaches another client, and what
/// cannot work through a pooler is refused with the way out (`direct_url:`).
@Suite(.serialized, .enabled(if: ServerEnvironment.clusterWanted))
struct PgBouncerTests {
    /// A schema of its own in the test database, reached through PgBouncer.
    struct PooledSchema {
        let name = "strata_b_" + UUID().uuidString.prefix(8).lowercased()
        let pooledURL: String
        let directURL: String

        init() throws {
            pooledURL = try ServerEnvironment.clusterURL("STRATA_PGBOUNCER_URL")
            directURL = try ServerEnvironment.clusterURL("STRATA_POSTGRES_URL")
        }

        /// The environment's URL: through PgBouncer, in this schema.
        var url: String { get throws { try clusterURL(pooledURL, query: "schema=\(name)") } }

        /// Runs `sql` on the server itself, not through PgBouncer.
        func direct(_ sql: String) async throws -> [DatabaseRow] {
            let connection = try await PostgresDriver().connect(try DatabaseURL.parse(directURL), logger: Logger(label: "test"))
            return try await queryOnce(sql, on: connection)
        }

        /// How many advisory locks of Strata's for this schema the server holds.
        func strataLocksOnServer() async throws -> Int64 {
            let digest = Checksum.sha256("strata_test\u{0}\(name)\u{0}strata:strata_migrations")
            let key = UInt64(digest.prefix(16), radix: 16) ?? 0
            return try await direct("""
                SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = \(key >> 32) \
                AND objid::bigint = \(key & 0xFFFF_FFFF) AND objsubid = 1
                """).first?["n"].integer ?? -1
        }

        func drop() async {
            _ = try? await direct("DROP SCHEMA IF EXISTS \(name) CASCADE")
        }
    }

    /// Eight runs at once through the pooler apply each of 30 migrations once; afterwards
    /// the server holds no lock of Strata's, and the tables are in the schema, not `public`.
    @Test func eightRunsThroughThePoolerApplyEachMigrationOnceAndLeaveNoLock() async throws {
        let schema = try PooledSchema()
        defer { Task { await schema.drop() } }
        let project = try ClusterProject(environments: [("pooled", try schema.url)], migrations: ClusterProject.tableMigrations(30))
        defer { project.remove() }
        // `public` is shared by every test: what counts is that these runs add nothing to it.
        let publicTables = "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public' AND (tablename LIKE 't\\_%' OR tablename LIKE 'strata\\_migrations%')"
        let publicBefore = try await schema.direct(publicTables).first?["n"].integer
        let runs = try (0..<8).map { _ in try project.start(["migrate", "--env", "pooled", "--lock-timeout", "120"]) }
        var results: [StrataProcess.Result] = []
        for run in runs { results.append(await StrataProcess.finish(run)) }
        for result in results { #expect(result.status == 0, "\(result)") }
        let reported = results.map { $0.stdout.split(separator: "\n").filter { $0.contains(": migrated (") }.count }
        #expect(reported.reduce(0, +) == 30)
        #expect(try await schema.direct("SELECT COUNT(*) AS n FROM \(schema.name).strata_migrations").first?["n"].integer == 30)
        #expect(try await schema.direct(
            "SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = '\(schema.name)' AND tablename LIKE 't\\_%'").first?["n"].integer == 30)
        #expect(try await schema.direct(publicTables).first?["n"].integer == publicBefore, "nothing was created in public")
        #expect(try await schema.strataLocksOnServer() == 0)
    }

    /// A run killed with SIGKILL mid-migration: its lock ends with its session, on the
    /// server too, and the next run takes it at once.
    @Test func aRunKilledThroughThePoolerLeavesNoLockOnTheServer() async throws {
        let schema = try PooledSchema()
        defer { Task { await schema.drop() } }
        let project = try ClusterProject(environments: [("pooled", try schema.url)], migrations: [
            ("20250101000001", "slow", "SELECT pg_sleep(60);"),
        ])
        defer { project.remove() }
        let killed = try project.start(["migrate", "--env", "pooled"])
        let holding = try await eventually(within: 120) { try await schema.strataLocksOnServer() == 1 }
        try #require(holding, "the run never took its lock")
        kill(killed.0.processIdentifier, SIGKILL)
        _ = await StrataProcess.finish(killed)
        let released = try await eventually(within: 120) { try await schema.strataLocksOnServer() == 0 }
        #expect(released, "the server still holds the killed run's lock")
        // The server goes on running the dead client's statement, holding a snapshot that
        // would make every later CREATE INDEX CONCURRENTLY in the database wait for it.
        _ = try await schema.direct("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg\\_sleep(60)%'")
        try project.write(("20250101000001", "slow", "SELECT 1;"))
        let next = try await project.strata(["migrate", "--env", "pooled", "--lock-timeout", "5"])
        #expect(next.status == 0, "\(next)")
    }

    /// `schema:` through the pooler is set per transaction: other clients of the same pool
    /// keep their own search path.
    @Test func theSchemaNeverReachesAnotherClient() async throws {
        let schema = try PooledSchema()
        defer { Task { await schema.drop() } }
        let project = try ClusterProject(environments: [("pooled", try schema.url)], migrations: ClusterProject.tableMigrations(5))
        defer { project.remove() }
        let migrated = try await project.strata(["migrate", "--env", "pooled"])
        #expect(migrated.status == 0, "\(migrated)")
        // Many sessions through the pool, so that every pooled server connection serves one.
        for _ in 0..<12 {
            let other = try await PostgresDriver().connect(try DatabaseURL.parse(schema.pooledURL), logger: Logger(label: "test"))
            let path = try await queryOnce("SHOW search_path", on: other).first?["search_path"].text
            #expect(path == "\"$user\", public", "another client saw search_path \(path ?? "nil")")
        }
        let status = try await project.strata(["status", "--env", "pooled"])
        #expect(status.status == 0 && status.stdout.contains("20250101000005"), "\(status)")
    }

    /// Through the pooler, a session setting or (with `schema:`) a statement outside a
    /// transaction is refused when the run is planned, naming `direct_url:`; with a
    /// `direct_url:`, the same migrations run over it.
    @Test func whatCannotWorkThroughThePoolerIsRefusedAndDirectURLRunsIt() async throws {
        let schema = try PooledSchema()
        defer { Task { await schema.drop() } }
        let project = try ClusterProject(environments: [("pooled", try schema.url)], migrations: [
            ("20250101000001", "create-users", "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT);"),
            ("20250101000002", "timeout", "SET statement_timeout = '5s';\nCREATE INDEX users_email ON users (email);"),
        ])
        defer { project.remove() }
        let refused = try await project.strata(["migrate", "--env", "pooled"])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("20250101000002-timeout") && refused.stderr.contains("SET statement_timeout"), "\(refused)")
        #expect(refused.stderr.contains("direct_url"), "\(refused)")
        #expect(try await schema.direct("SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = '\(schema.name)'").first?["n"].integer == 0,
                "refused when planned: not even the first migration ran")

        try project.write(("20250101000002", "timeout", "CREATE INDEX CONCURRENTLY users_email ON users (email);"), upOptions: "transaction:false")
        let outside = try await project.strata(["migrate", "--env", "pooled"])
        #expect(outside.status == 2, "\(outside)")
        #expect(outside.stderr.contains("outside a transaction") && outside.stderr.contains(schema.name), "\(outside)")

        try project.appendToLastEnvironment("    direct_url: \"\(try clusterURL(schema.directURL, query: "schema=\(schema.name)"))\"\n")
        let direct = try await project.strata(["migrate", "--env", "pooled"])
        #expect(direct.status == 0, "\(direct)")
        #expect(try await schema.direct("SELECT indexname FROM pg_indexes WHERE schemaname = '\(schema.name)' AND indexname = 'users_email'").count == 1)
    }

    /// What marks a statement as keeping session state.
    @Test func sessionStateIsRecognised() {
        #expect(PooledStatementRules.sessionState(in: "SET statement_timeout = '5s'") == "SET statement_timeout")
        #expect(PooledStatementRules.sessionState(in: "-- why\nset session lock_timeout to 0") == "SET lock_timeout")
        #expect(PooledStatementRules.sessionState(in: "SET LOCAL statement_timeout = '5s'") == nil)
        #expect(PooledStatementRules.sessionState(in: "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE") == nil)
        #expect(PooledStatementRules.sessionState(in: "SET CONSTRAINTS ALL DEFERRED") == nil)
        #expect(PooledStatementRules.sessionState(in: "CREATE TEMP TABLE x (id INT)") == "CREATE TEMP TABLE")
        #expect(PooledStatementRules.sessionState(in: "SELECT pg_advisory_lock(1)") != nil)
        #expect(PooledStatementRules.sessionState(in: "SELECT pg_advisory_xact_lock(1)") == nil)
        #expect(PooledStatementRules.sessionState(in: "CREATE TABLE settings (id INT)") == nil)
    }
}
