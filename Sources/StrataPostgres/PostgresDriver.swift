import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Strata

/// The PostgreSQL driver: URLs `postgres://` and `postgresql://`, or `dialect: postgres` with
/// `host`, `port`, `database`, `username`, `password`; plus `schema:` and `tls:`.
///
/// TLS defaults to `verify-full` for any host but loopback, where it defaults to `disable`.
/// `require` encrypts without verifying the certificate and logs a warning.
public struct PostgresDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    public var dialects: Set<String> { ["postgres"] }

    public var dialect: any SQLDialect { PostgresDialect() }

    public func connect(_ settings: ConnectionSettings, logger: Logger) async throws -> any DatabaseConnection {
        if let unknown = settings.options.keys.sorted().first {
            throw StrataError(.configuration, "Unknown PostgreSQL URL option `\(unknown)` in \(settings.redactedDescription).",
                              hint: "Strata reads sslmode=disable|require|verify-full and schema=NAME; remove the others.")
        }
        let endpoint = PostgresEndpoint(settings)
        guard let username = settings.username, !username.isEmpty else {
            throw StrataError(.configuration, "No user name for PostgreSQL at \(endpoint).",
                              hint: "Put it in the URL (postgres://USER:PASSWORD@host/db) or set `username:`.")
        }
        let tlsMode = settings.tls ?? (endpoint.isLoopback ? .disable : .verifyFull)
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: username, password: settings.password,
            database: settings.database ?? username, tls: try tls(for: tlsMode, endpoint: endpoint, logger: logger)
        )
        configuration.options.additionalStartupParameters = [("application_name", "strata")]
        configuration.options.connectTimeout = .seconds(10)

        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: Logger(label: "strata.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        } catch {
            throw PostgresErrors.connectionFailure(error, endpoint: endpoint, settings: settings, tls: tlsMode)
        }
        let opened = PostgresDatabaseConnection(connection: connection, endpoint: endpoint, schema: settings.schema)
        if let schema = settings.schema {
            do {
                try await opened.execute("SET search_path TO \(PostgresDialect().quoteIdentifier(schema))")
            } catch {
                await opened.close()
                throw StrataError(.failure, "Cannot select schema \(schema) on \(endpoint): \(error).")
            }
        }
        return opened
    }

    private func tls(for mode: TLSMode, endpoint: PostgresEndpoint, logger: Logger) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .require:
            logger.warning("TLS to PostgreSQL at \(endpoint) is not verified (tls: require): the connection is encrypted but open to a man-in-the-middle. Use tls: verify-full with a trusted certificate.")
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: configuration))
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}

/// The host and port a connection goes to, for messages.
struct PostgresEndpoint: Sendable, CustomStringConvertible {
    let host: String
    let port: Int

    init(_ settings: ConnectionSettings) {
        host = settings.host ?? "localhost"
        port = settings.port ?? 5432
    }

    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
