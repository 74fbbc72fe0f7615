/// Where and how to connect: a dialect and its connection fields, from a URL or from
/// discrete configuration keys.
public struct ConnectionSettings: Sendable, Hashable {
    /// The dialect name: `sqlite`, `postgres` or `mysql`.
    public var dialect: String
    /// The SQLite database file, or `:memory:`. Relative paths are resolved against the
    /// project directory (where `strata.yml` is).
    public var storage: String?
    /// The server's host name or address.
    public var host: String?
    /// The server's port.
    public var port: Int?
    /// The database name.
    public var database: String?
    /// The user name.
    public var username: String?
    /// The password. Never printed: see ``redactedDescription``.
    public var password: String?
    /// The schema Strata works in: the history table lives there and it leads the search
    /// path (PostgreSQL's `schema:`); `nil` for the server's default.
    public var schema: String?
    /// TLS to the server; `nil` lets the driver choose its default.
    public var tls: TLSMode?
    /// Further servers to try, in order, after ``host`` and ``port``: a URL may list several
    /// (`postgres://app@db1:5432,db2:5432/app`, libpq's form), and a driver that supports it
    /// connects to the first that suits (for PostgreSQL, `target_session_attrs`).
    public var additionalHosts: [HostAddress] = []
    /// Further options from a URL's query string that Strata does not read itself; a driver
    /// rejects those it does not know.
    public var options: [String: String]

    /// Creates settings.
    public init(
        dialect: String, storage: String? = nil, host: String? = nil, port: Int? = nil,
        database: String? = nil, username: String? = nil, password: String? = nil,
        schema: String? = nil, tls: TLSMode? = nil, options: [String: String] = [:]
    ) {
        self.dialect = dialect
        self.storage = storage
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.schema = schema
        self.tls = tls
        self.options = options
    }

    /// The settings as a URL with the password replaced by `***`, safe for logs and messages.
    public var redactedDescription: String {
        if let storage { return "\(dialect):\(storage)" }
        var text = "\(dialect)://"
        if let username {
            text += username
            if password != nil { text += ":***" }
            text += "@"
        }
        text += host ?? "localhost"
        if let port { text += ":\(port)" }
        for other in additionalHosts { text += ",\(other)" }
        if let database { text += "/\(database)" }
        var query = options
        if let schema { query["schema"] = schema }
        if let tls { query["sslmode"] = tls.rawValue }
        if !query.isEmpty {
            text += "?" + query.keys.sorted().map { "\($0)=\(query[$0] ?? "")" }.joined(separator: "&")
        }
        return text
    }
}

/// One server of several a URL lists: a host, and its port when given.
public struct HostAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The port; `nil` for the driver's default.
    public var port: Int?

    /// Creates an address.
    public init(host: String, port: Int? = nil) {
        self.host = host
        self.port = port
    }

    /// `host` or `host:port`, with an IPv6 address in brackets.
    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(shown):\($0)" } ?? shown
    }
}
