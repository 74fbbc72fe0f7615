import Foundation
import Strata

/// Where the database servers for the tests are, from the variables `scripts/test` exports.
enum ServerEnvironment {
    static let variables = ProcessInfo.processInfo.environment

    /// `STRATA_REQUIRE_SERVERS=1`: a test that cannot reach its server fails, never skips.
    static var serversRequired: Bool { variables["STRATA_REQUIRE_SERVERS"] == "1" }

    /// `STRATA_POSTGRES_URL`, e.g. `postgres://strata:PASSWORD@127.0.0.1:5432/strata_test`.
    static var postgresURL: String? { variables["STRATA_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Whether the PostgreSQL tests run.
    static var postgresWanted: Bool { postgresURL != nil || serversRequired }

    /// `STRATA_MYSQL_URL`, e.g. `mysql://strata:PASSWORD@127.0.0.1:3306/strata_test`.
    static var mysqlURL: String? { variables["STRATA_MYSQL_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Whether the MySQL/MariaDB tests run.
    static var mysqlWanted: Bool { mysqlURL != nil || serversRequired }

    /// The settings of `STRATA_MYSQL_URL`.
    static func mysqlSettings() throws -> ConnectionSettings {
        guard let url = mysqlURL else {
            throw StrataError(.configuration, "STRATA_MYSQL_URL is not set, but STRATA_REQUIRE_SERVERS=1 requires MariaDB.",
                              hint: "Run the tests with scripts/test, which starts the servers and sets it.")
        }
        return try DatabaseURL.parse(url)
    }

    /// The settings of `STRATA_POSTGRES_URL`.
    static func postgresSettings() throws -> ConnectionSettings {
        guard let url = postgresURL else {
            throw StrataError(.configuration, "STRATA_POSTGRES_URL is not set, but STRATA_REQUIRE_SERVERS=1 requires PostgreSQL.",
                              hint: "Run the tests with scripts/test, which starts the servers and sets it.")
        }
        return try DatabaseURL.parse(url)
    }

    /// The URL in `name`, which `scripts/start-cluster` exports; a test that needs it fails
    /// without it.
    static func clusterURL(_ name: String) throws -> String {
        guard let url = variables[name], !url.isEmpty else {
            throw StrataError(.configuration, "\(name) is not set: the cluster tests need the servers of scripts/start-cluster.",
                              hint: "Run the tests with scripts/test, which starts them and sets it.")
        }
        return url
    }

    /// The three Galera nodes' URLs (`STRATA_GALERA_URLS`, comma-separated).
    static func galeraURLs() throws -> [String] {
        try clusterURL("STRATA_GALERA_URLS").split(separator: ",").map(String.init)
    }

    /// Whether the cluster tests run: under the test command, or when their servers are set.
    static var clusterWanted: Bool { serversRequired || variables["STRATA_GALERA_URLS"] != nil }
}
