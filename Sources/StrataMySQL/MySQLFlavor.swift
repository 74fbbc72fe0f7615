import Strata

/// Which server the MySQL dialect speaks to — MariaDB or MySQL, and its version — and
/// so which SQL it may write. Every choice between the two is a capability here, read by
/// the dialect, never a test of the server's name elsewhere.
///
/// A connection learns the flavour from the server (`@@version`, `@@version_comment`).
/// Without a server (`generate`, lint, a dry run without a connection) the flavour is
/// ``portable``: the SQL both accept.
public struct MySQLFlavor: Sendable, Hashable, CustomStringConvertible {
    /// The two servers.
    public enum Server: String, Sendable, Hashable, CaseIterable {
        /// MariaDB (and Galera clusters of it).
        case mariadb
        /// Oracle's MySQL, and its forks that keep its grammar (Percona Server).
        case mysql
    }

    /// The server, or `nil` when it is not known.
    public var server: Server?
    /// The version's numbers, e.g. `[8, 0, 36]`; empty when not known.
    public var version: [Int]

    /// A flavour of `server` at `version`.
    public init(_ server: Server?, version: [Int] = []) {
        self.server = server
        self.version = version
    }

    /// Neither server in particular: the SQL MariaDB 10.5+ and MySQL 8.0.19+ both accept.
    public static let portable = MySQLFlavor(nil)

    /// The flavour a server reports: `version` is `@@version` (MariaDB's says `MariaDB`,
    /// e.g. `10.11.6-MariaDB-0+deb12u1`), `comment` is `@@version_comment`.
    public init(version: String, comment: String) {
        let isMariaDB = version.lowercased().contains("mariadb") || comment.lowercased().contains("mariadb")
        // "5.5.5-10.11.6-MariaDB" is how MariaDB once answered old MySQL clients.
        let numbers = version.hasPrefix("5.5.5-") ? String(version.dropFirst(6)) : version
        self.init(isMariaDB ? .mariadb : .mysql, version: numbers.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) })
    }

    /// The flavour an environment's `flavor:` (or a URL's `?flavor=`) names: `mysql` or
    /// `mariadb`, any version; ``portable`` when it names none.
    /// - Throws: `StrataError` (configuration) for another value.
    public init(configured value: String?, in settings: ConnectionSettings) throws {
        guard let value else {
            self = .portable
            return
        }
        guard let server = Server(rawValue: value.lowercased()) else {
            throw StrataError(.configuration, "Unknown MySQL flavor `\(value)` in \(settings.redactedDescription).",
                              hint: "Write `flavor: mysql` (MySQL 8) or `flavor: mariadb`, or leave it out for SQL both accept.")
        }
        self.init(server)
    }

    /// `mariadb 10.11.6`, `mysql 8.0.36`, or `portable`.
    public var description: String {
        guard let server else { return "portable" }
        return version.isEmpty ? server.rawValue : "\(server.rawValue) \(version.map(String.init).joined(separator: "."))"
    }

    /// Whether the version is at least `minimum` (an unknown version is not).
    func isAtLeast(_ minimum: [Int]) -> Bool {
        guard !version.isEmpty else { return false }
        for (have, want) in zip(version + [0, 0, 0], minimum) where have != want { return have > want }
        return true
    }

    // MARK: Capabilities

    /// `ADD COLUMN IF NOT EXISTS`, `DROP COLUMN IF EXISTS`, `CREATE INDEX IF NOT EXISTS`,
    /// `DROP INDEX IF EXISTS`, `DROP FOREIGN KEY IF EXISTS`: MariaDB's alone. Elsewhere
    /// Strata looks first (`information_schema`) and writes the plain statement.
    public var hasConditionalAlterations: Bool { server == .mariadb }

    /// The keyword that drops a check constraint: `DROP CONSTRAINT` (MariaDB, MySQL 8.0.19
    /// and later, and so the portable choice) or `DROP CHECK` (MySQL 8.0.16 to 8.0.18).
    public var checkDropKeyword: String {
        server == .mysql && !version.isEmpty && !isAtLeast([8, 0, 19]) ? "CHECK" : "CONSTRAINT"
    }

    /// Whether `information_schema.CHECK_CONSTRAINTS` names each check's table
    /// (MariaDB's does; MySQL's does not, and is joined with `TABLE_CONSTRAINTS` instead,
    /// which both have).
    public var checkConstraintsNameTheirTable: Bool { server == .mariadb }

    /// Whether `information_schema.COLUMNS.COLUMN_DEFAULT` quotes a literal default
    /// (`'active'`), as MariaDB does since 10.2.7. MySQL gives the bare value (`active`) and
    /// marks an expression default with `DEFAULT_GENERATED` in `EXTRA` instead.
    public var quotesLiteralDefaults: Bool { server != .mysql }

    /// Whether `information_schema.STATISTICS` has an `EXPRESSION` column, the indexed
    /// expression of a functional key part (MySQL 8.0.13 and later; MariaDB has none).
    public var indexesExpressions: Bool { server == .mysql }

    /// `GET_LOCK`'s timeout for a wait of `duration`: MariaDB waits fractions of a second;
    /// MySQL reads the timeout as a whole number of seconds, so a fraction is rounded up
    /// there rather than down to no wait at all.
    public func lockTimeout(_ duration: Duration) -> DatabaseValue {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return server == .mysql ? .integer(Int64(seconds.rounded(.up))) : .double(seconds)
    }

    /// The command-line clients to try, in order, to dump and to load: the server's own first
    /// (both ship `mysqldump` and `mysql`; MariaDB's are also `mariadb-dump` and `mariadb`).
    public var clientTools: (dump: [String], load: [String]) {
        server == .mysql ? (["mysqldump", "mariadb-dump"], ["mysql", "mariadb"]) : (["mariadb-dump", "mysqldump"], ["mariadb", "mysql"])
    }

    /// The clients' TLS options: MySQL 8's `--ssl-mode` (its `--ssl` and `--skip-ssl` are
    /// gone), or MariaDB's `--ssl` / `--skip-ssl` with `--ssl-verify-server-cert`.
    public func clientTLSArguments(_ mode: TLSMode) -> [String] {
        switch (server == .mysql, mode) {
        case (true, .disable): ["--ssl-mode=DISABLED"]
        case (true, .require): ["--ssl-mode=REQUIRED"]
        case (true, .verifyFull): ["--ssl-mode=VERIFY_IDENTITY", "--ssl-capath=/etc/ssl/certs"]
        case (false, .disable): ["--skip-ssl"]
        case (false, .require): ["--ssl", "--skip-ssl-verify-server-cert"]
        case (false, .verifyFull): ["--ssl", "--ssl-verify-server-cert", "--ssl-capath=/etc/ssl/certs"]
        }
    }
}
