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
        if let closed = error as? ConnectionClosed {
            return DatabaseError(message: closed.description, code: "serverClosedConnection")
        }
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
        case .connectionError:
            // The socket failed under a statement: a server that stopped resets it.
            let cause = error.underlying.map { " (\($0))" } ?? ""
            return DatabaseError(message: "the connection to the server was lost\(cause)", code: error.code.description)
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
            case .authMechanismRequiresPassword:
                return StrataError(.failure, "\(prefix): the server asks for a password, and the environment gives none.",
                                   hint: "Put it in the url (postgres://\(user):PASSWORD@\(endpoint)/\(database)) or in password:, e.g. password: ${PGPASSWORD}.")
            case .unsupportedAuthMechanism, .saslError:
                return StrataError(.failure, "\(prefix): authentication failed (\(error.code)).",
                                   hint: "Strata authenticates with SCRAM-SHA-256, MD5 or a clear-text password; check the server's pg_hba.conf and the user's password.")
            default:
                // PSQLError's own description hides everything; its code and cause say what happened.
                return cause(error.underlying, prefix: prefix, endpoint: endpoint, tls: tls, code: "\(error.code)")
            }
        }
        return cause(error, prefix: prefix, endpoint: endpoint, tls: tls)
    }

    private static func cause(_ error: (any Error)?, prefix: String, endpoint: ServerEndpoint, tls: TLSMode, code: String? = nil) -> StrataError {
        let text = error.map { String(describing: $0) } ?? code ?? "unknown error"
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

/// A statement was to be sent on a connection the server had already closed.
struct ConnectionClosed: Error, CustomStringConvertible {
    let endpoint: ServerEndpoint
    var description: String {
        "the connection to PostgreSQL at \(endpoint) is closed: the server ended the session (pg_terminate_backend, a restart) or the network dropped it"
    }
}
