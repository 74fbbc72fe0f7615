import Foundation
import NIOCore
import NIOSSL
import PostgresNIO
import Strata

/// Turns PostgresNIO's errors into Strata's. `PSQLError`'s own description is generic on
/// purpose; the server's message, detail, hint and position are in its `serverInfo`.
enum PostgresErrors {
    /// A statement's error, with everything the server said.
    static func databaseError(_ error: any Error) -> DatabaseError {
        guard let error = error as? PSQLError else {
            return DatabaseError(message: String(describing: error))
        }
        if let info = error.serverInfo, let message = info[.message] {
            return DatabaseError(
                message: message, code: info[.sqlState], detail: info[.detail], hint: info[.hint],
                position: info[.position].flatMap { Int($0) }
            )
        }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return DatabaseError(message: "the connection to the server was closed", code: error.code.description)
        default:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            return DatabaseError(message: "\(error.code)\(underlying)", code: error.code.description)
        }
    }

    /// A failed connection attempt: the host and port, and the likely cause.
    static func connectionFailure(_ error: any Error, endpoint: ServerEndpoint, settings: ConnectionSettings, tls: TLSMode) -> StrataError {
        let user = settings.username ?? ""
        let database = settings.database ?? user
        let prefix = "Cannot connect to PostgreSQL at \(endpoint) as \(user)"
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "the server refused the connection"
                switch info[.sqlState] {
                case "28P01", "28000":
                    return StrataError(.failure, "\(prefix): authentication failed (\(message)).",
                                       hint: "Check the user name and password in the environment's url or fields.")
                case "3D000":
                    return StrataError(.failure, "\(prefix): database \"\(database)\" does not exist.",
                                       hint: "Create it (createdb \(database)), or fix the database name.")
                default:
                    return StrataError(.failure, "\(prefix): \(message).")
                }
            }
            switch error.code {
            case .sslUnsupported:
                return StrataError(.failure, "\(prefix): the server does not support TLS, but tls is \(tls.rawValue).",
                                   hint: "Enable TLS on the server, or set tls: disable if the network is trusted.")
            case .connectionError:
                return cause(error.underlying, prefix: prefix, endpoint: endpoint, tls: tls)
            default:
                return cause(error.underlying ?? error, prefix: prefix, endpoint: endpoint, tls: tls)
            }
        }
        return cause(error, prefix: prefix, endpoint: endpoint, tls: tls)
    }

    private static func cause(_ error: (any Error)?, prefix: String, endpoint: ServerEndpoint, tls: TLSMode) -> StrataError {
        let text = error.map { String(describing: $0) } ?? "unknown error"
        if error is NIOSSLError || text.contains("handshake") || text.contains("certificate") {
            return StrataError(.failure, "\(prefix): the TLS handshake failed (\(text)).",
                               hint: tls == .verifyFull
                                   ? "The server's certificate could not be verified for \(endpoint.host). Give the server a certificate from a trusted CA for that name, or use tls: require (encrypted, unverified)."
                                   : "Check the server's TLS configuration.")
        }
        if text.contains("refused") || text.contains("ECONNREFUSED") {
            return StrataError(.failure, "\(prefix): connection refused.",
                               hint: "Is PostgreSQL running and listening on \(endpoint)? Check host and port.")
        }
        if error is ChannelError || text.contains("connectTimeout") || text.contains("timed out") {
            return StrataError(.failure, "\(prefix): the connection timed out.",
                               hint: "Check that \(endpoint) is reachable (firewall, host name).")
        }
        if text.contains("UnknownHost") || text.contains("DNS") || text.contains("getaddrinfo") {
            return StrataError(.failure, "\(prefix): the host name \(endpoint.host) cannot be resolved.",
                               hint: "Check the host name.")
        }
        return StrataError(.failure, "\(prefix): \(text).")
    }
}
