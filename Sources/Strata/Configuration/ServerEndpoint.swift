import Logging

/// The host and port of a database server, as drivers for networked databases use them.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host name or address.
    public let host: String
    /// The port.
    public let port: Int

    /// The endpoint of `settings`, with `defaultPort` when none is given.
    public init(_ settings: ConnectionSettings, defaultPort: Int) {
        host = settings.host ?? "localhost"
        port = settings.port ?? defaultPort
    }

    /// An endpoint at `host` and `port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Whether the host is this machine (`localhost`, `127.x.x.x`, `::1`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `host:port`, with IPv6 addresses in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The TLS mode for `settings`: as configured, else `verify-full`, except on loopback
    /// where it is `disable`. Logs a warning to `logger` when the mode is `require`.
    public func tlsMode(_ settings: ConnectionSettings, product: String, logger: Logger) -> TLSMode {
        let mode = settings.tls ?? (isLoopback ? .disable : .verifyFull)
        if mode == .require {
            logger.warning("TLS to \(product) at \(self) is not verified (tls: require): the connection is encrypted but open to a man-in-the-middle. Use tls: verify-full with a trusted certificate.")
        }
        return mode
    }

    /// The user name of `settings`, or a configuration error saying where to put it.
    public func username(_ settings: ConnectionSettings, product: String, scheme: String) throws -> String {
        guard let user = settings.username, !user.isEmpty else {
            throw StrataError(.configuration, "No user name for \(product) at \(self).",
                              hint: "Put it in the URL (\(scheme)://USER:PASSWORD@host/db) or set `username:`.")
        }
        return user
    }
}
