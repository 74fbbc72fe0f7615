import Foundation
import Strata
import Testing

/// `tenants:` in `strata.yml`: its four forms, how tenants are named, and bad input.
@Suite struct TenantConfigurationTests {
    @Test func readsEachFormAndNamesURLTenantsAfterTheirDatabase() throws {
        let yaml = """
            environments:
              files:
                tenants: { sqlite: "tenants/*.sqlite3" }
              listed:
                tenants:
                  urls:
                    - postgres://app:${PW}@db1:5432/acme
                    - postgres://app:${PW}@db2:5432/beta
                    - postgres://app@db3:5432/beta
              schemas:
                url: postgres://app@db:5432/app
                tenants: { schemas: "SELECT schema_name FROM public.tenants ORDER BY 1" }
              databases:
                url: mysql://app@db:3306/catalog
                tenants:
                  databases: SELECT name FROM tenants
            """
        let configuration = try ConfigurationLoader.parse(yaml, file: "strata.yml", rootDirectory: "/srv/app")
        let files = try configuration.environment(named: "files", variables: [:])
        #expect(files.tenants?.source == .sqliteFiles(pattern: "/srv/app/tenants/*.sqlite3"))
        #expect(files.tenants?.location == "strata.yml:3")
        #expect(!files.hasOwnDatabase && files.connection.dialect == "sqlite")

        let listed = try configuration.environment(named: "listed", variables: ["PW": "secret"])
        guard case .urls(let tenants)? = listed.tenants?.source else {
            Issue.record("urls: must give a list of tenants")
            return
        }
        // acme is unique; the two beta databases are told apart by their servers.
        #expect(tenants.map(\.name) == ["acme", "db2:5432/beta", "db3:5432/beta"])
        #expect(tenants[0].connection.password == "secret" && tenants[0].connection.host == "db1")
        #expect(!tenants.contains { $0.name.contains("secret") })

        let schemas = try configuration.environment(named: "schemas", variables: [:])
        #expect(schemas.tenants?.source == .query("SELECT schema_name FROM public.tenants ORDER BY 1", scope: .schema))
        #expect(schemas.hasOwnDatabase)
        let databases = try configuration.environment(named: "databases", variables: [:])
        #expect(databases.tenants?.source == .query("SELECT name FROM tenants", scope: .database))
    }

    @Test(arguments: [
        ("tenants: { sqlite: a, urls: [b] }", "gives `sqlite` and `urls`; give exactly one"),
        ("tenants: {}", "is empty"),
        ("tenants: { files: a }", "unknown key `files`"),
        ("tenants: [a, b]", "must be a mapping"),
        ("tenants: { urls: [] }", "`urls` of `tenants` of environment \"production\" is empty"),
        ("tenants: { urls: sqlite:a.db }", "must be a list of URLs"),
        ("tenants: { urls: [\"postgres://h/a\", \"mysql://h/b\"] }", "this tenant is mysql but the first one is postgres"),
        ("tenants: { urls: [\"postgres://h/a\", \"postgres://h/a\"] }", "is listed twice"),
        ("tenants: { urls: [\"nonsense\"] }", "a tenant URL is not valid"),
        ("tenants: { schemas: \" \" }", "needs a query"),
        ("tenants: { sqlite: \"\" }", "needs a file pattern"),
    ])
    func badTenantsAreRefusedNamingTheFileAndLine(tenants: String, expected: String) throws {
        let yaml = "environments:\n  production:\n    url: postgres://app@db/app\n    \(tenants)\n"
        do {
            let configuration = try ConfigurationLoader.parse(yaml, file: "strata.yml")
            _ = try configuration.environment(named: "production", variables: [:])
            Issue.record("`\(tenants)` must be refused")
        } catch let error as StrataError {
            #expect(error.code == .configuration)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains("strata.yml:4"), "\(error.message)")
        }
    }

    @Test func tenantsOfAnotherDialectThanTheURLAreRefused() throws {
        let yaml = "environments:\n  production:\n    url: postgres://app@db/app\n    tenants: { sqlite: \"t/*.db\" }\n"
        let configuration = try ConfigurationLoader.parse(yaml, file: "strata.yml")
        #expect(throws: StrataError.self) { try configuration.environment(named: "production", variables: [:]) }
    }

    @Test func fanOutRunsAtMostItsConcurrencyAtOnceAndReportsInFleetOrder() async throws {
        let tenants = (1...20).map { Tenant(name: "t\($0)", connection: ConnectionSettings(dialect: "sqlite", storage: "/nowhere/\($0)")) }
        let gauge = Gauge()
        let report = await TenantFanOut(concurrency: 3).run(tenants) { tenant in
            gauge.enter()
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...25)))
            gauge.leave()
            if tenant.name == "t7" { throw StrataError.failure("t7 broke") }
            return tenant.name.count
        }
        #expect(gauge.peak == 3)
        #expect(report.outcomes.map(\.tenant.name) == tenants.map(\.name))
        #expect(report.failures.map(\.tenant.name) == ["t7"])
        #expect(report.outcomes.compactMap(\.value).count == 19)
        #expect(!report.succeeded && report.notStarted.isEmpty)

        // --fail-fast: one at a time, nothing starts after the failure.
        let stopped = await TenantFanOut(concurrency: 1, failFast: true).run(tenants) { tenant in
            if tenant.name == "t3" { throw StrataError.failure("t3 broke") }
            return 0
        }
        #expect(stopped.outcomes.map(\.tenant.name) == ["t1", "t2", "t3"])
        #expect(stopped.notStarted.count == 17 && stopped.notStarted.first?.name == "t4")
        #expect(TenantFanOut.defaultConcurrency(tenants: 3) == 3 && TenantFanOut.defaultConcurrency(tenants: 1000) == 8)
    }
}

/// Counts how many tasks are inside at once, and the most there ever were.
private final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var inside = 0
    private var most = 0

    var peak: Int { lock.withLock { most } }
    func enter() { lock.withLock { inside += 1; most = max(most, inside) } }
    func leave() { lock.withLock { inside -= 1 } }
}
