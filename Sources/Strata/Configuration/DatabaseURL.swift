import Foundation

/// Parses database URLs into ``ConnectionSettings``:
///
/// - `sqlite:db/development.sqlite3`, `sqlite:///var/data/app.sqlite3`, `sqlite::memory:`
/// - `postgres://user:password@host:5432/database?sslmode=require` (also `postgresql://`)
/// - `mysql://user:password@host:3306/database` (also `mariadb://`)
///
/// In network URLs, `sslmode=disable|require|verify-full` sets ``ConnectionSettings/tls`` and
/// `schema=NAME` sets ``ConnectionSettings/schema``; other query items are kept in
/// ``ConnectionSettings/options`` for the driver.
public enum DatabaseURL {
    /// A URL scheme: the dialect it selects, and whether the rest of the URL is a file path
    /// (`sqlite:PATH`) or a network address (`postgres://host/db`).
    public struct Scheme: Sendable, Hashable {
        /// The dialect name the scheme selects.
        public var dialect: String
        /// Whether the URL names a file rather than a server.
        public var isFilePath: Bool
    }

    /// The URL schemes Strata understands; also the values `dialect:` accepts.
    public static let schemes: [String: Scheme] = [
        "sqlite": Scheme(dialect: "sqlite", isFilePath: true),
        "sqlite3": Scheme(dialect: "sqlite", isFilePath: true),
        "postgres": Scheme(dialect: "postgres", isFilePath: false),
        "postgresql": Scheme(dialect: "postgres", isFilePath: false),
        "mysql": Scheme(dialect: "mysql", isFilePath: false),
        "mariadb": Scheme(dialect: "mysql", isFilePath: false),
    ]

    /// Parses `text`. Errors are returned as sentences that never contain the password.
    public static func parse(_ text: String) throws(URLProblem) -> ConnectionSettings {
        guard let colon = text.firstIndex(of: ":") else {
            throw URLProblem("it has no scheme; expected sqlite:PATH, postgres://… or mysql://…")
        }
        let scheme = text[..<colon].lowercased()
        guard let known = schemes[scheme] else {
            throw URLProblem("the scheme \"\(scheme)\" is not one of sqlite, postgres, postgresql, mysql, mariadb")
        }
        let dialect = known.dialect
        if known.isFilePath {
            var path = String(text[text.index(after: colon)...])
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw URLProblem("it names no database file; expected \(scheme):PATH or \(scheme)::memory:") }
            return ConnectionSettings(dialect: dialect, storage: path)
        }
        let (firstHostOnly, otherHosts) = try additionalHosts(in: text)
        let port = try port(in: firstHostOnly)
        guard let components = URLComponents(string: firstHostOnly), let host = components.host, !host.isEmpty else {
            if let authority = Self.authority(of: firstHostOnly), authority.contains("["), !authority.contains("]") {
                throw URLProblem("the IPv6 address in its host is opened with [ but not closed with ]; write it as \(scheme)://user@[::1]:5432/db")
            }
            throw URLProblem("it is not a valid \(scheme):// URL with a host (special characters in the password must be percent-encoded)")
        }
        var options: [String: String] = [:]
        for item in components.queryItems ?? [] { options[item.name] = item.value ?? "" }
        var tls: TLSMode?
        if let mode = options.removeValue(forKey: "sslmode") {
            guard let parsed = TLSMode(text: mode) else {
                throw URLProblem("sslmode=\(mode) is not one of \(TLSMode.accepted)")
            }
            tls = parsed
        }
        let schema = options.removeValue(forKey: "schema")
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var settings = ConnectionSettings(
            dialect: dialect,
            host: host,
            port: port,
            database: database.isEmpty ? nil : database,
            username: components.user.flatMap { $0.isEmpty ? nil : $0 },
            password: components.password,
            schema: schema,
            tls: tls,
            options: options
        )
        settings.additionalHosts = otherHosts
        return settings
    }

    /// The servers after the first of a URL that lists several (`db1:5432,db2:5432`), and
    /// the URL with only the first, which `URLComponents` can read.
    private static func additionalHosts(in text: String) throws(URLProblem) -> (String, [HostAddress]) {
        guard let start = text.range(of: "://")?.upperBound else { return (text, []) }
        let authorityEnd = text[start...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        let authority = text[start..<authorityEnd]
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false)
        guard hosts.count > 1 else { return (text, []) }
        var others: [HostAddress] = []
        for entry in hosts.dropFirst() {
            // HOST, HOST:PORT, [IPV6] or [IPV6]:PORT.
            var name = entry
            var portText: Substring?
            if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
                name = entry[entry.index(after: entry.startIndex)..<close]
                let rest = entry[entry.index(after: close)...]
                if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { name = "" }
            } else if let colon = entry.firstIndex(of: ":") {
                name = entry[..<colon]
                portText = entry[entry.index(after: colon)...]
            }
            guard !name.isEmpty, portText?.contains(":") != true else {
                throw URLProblem("its host list has an entry \"\(entry)\" that is not HOST or HOST:PORT")
            }
            var port: Int?
            if let portText {
                guard let number = Int(portText), (1...65535).contains(number) else {
                    throw URLProblem("its port \"\(portText)\" (of host \(name)) is not a number from 1 to 65535")
                }
                port = number
            }
            others.append(HostAddress(host: String(name), port: port))
        }
        let first = text[..<hostsStart] + hosts[0] + text[authorityEnd...]
        return (String(first), others)
    }

    /// The port of a network URL's authority (`user:pass@host:PORT`), `nil` when it names
    /// none; checked here, so that a bad one is named as the port, not blamed on the host.
    private static func port(in text: String) throws(URLProblem) -> Int? {
        guard let start = text.range(of: "://")?.upperBound else { return nil }
        let rest = text[start...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // An IPv6 address is in brackets; its colons are not the port's.
        if let bracket = authority.lastIndex(of: "]") { authority = authority[authority.index(after: bracket)...] }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        let digits = authority[authority.index(after: colon)...]
        if digits.isEmpty { return nil }
        guard digits.allSatisfy(\.isASCII), let port = Int(digits), (1...65535).contains(port) else {
            throw URLProblem("its port \"\(digits)\" is not a number from 1 to 65535")
        }
        return port
    }

    /// Why a URL could not be parsed.
    public struct URLProblem: Error, Sendable, CustomStringConvertible {
        /// A sentence without the URL's password.
        public let reason: String
        init(_ reason: String) { self.reason = reason }
        /// The reason.
        public var description: String { reason }
    }

    /// The part of `text` between `://` and the path: user, password, host and port.
    private static func authority(of text: String) -> Substring? {
        guard let start = text.range(of: "://")?.upperBound else { return nil }
        let rest = text[start...]
        return rest.prefix { $0 != "/" && $0 != "?" }
    }
}
