import Foundation
import Logging
import Strata

/// The MySQL/MariaDB driver: URLs `mysql://` and `mariadb://`, or `dialect: mysql` with
/// `host`, `port`, `database`, `username`, `password`; plus `tls:`.
///
/// It talks through the MariaDB Connector/C and exists only in builds with the `MySQL`
/// package trait (`swift build --traits MySQL`); elsewhere ``connect(_:logger:)`` says how to
/// get it. TLS defaults to `verify-full` for any host but loopback, where it defaults to
/// `disable`.
public struct MySQLDriver: DatabaseDriver {
    /// Creates the driver.
    public init() {}

    /// Whether this build contains the MySQL client (the `MySQL` trait).
    public static var isAvailable: Bool {
        #if MySQL
        true
        #else
        false
        #endif
    }

    public var dialects: Set<String> { ["mysql"] }

    public var dialect: any SQLDialect { MySQLDialect() }

    public func connect(_ settings: ConnectionSettings, for purpose: ConnectionPurpose, logger: Logger) async throws -> any DatabaseConnection {
        #if MySQL
        return try await MySQLDatabaseConnection.open(settings, logger: logger)
        #else
        throw StrataError(
            .configuration,
            "This strata was built without MySQL support, so it cannot connect to \(settings.redactedDescription).",
            hint: """
                Install the MariaDB Connector/C (apt-get install libmariadb-dev) and build with the MySQL trait: \
                `swift build --traits MySQL`; a package depending on Strata enables it with \
                .package(url: ..., traits: ["MySQL"]).
                """
        )
        #endif
    }
}
