/// One database of a fleet that shares its migrations: a customer's SQLite file, schema or
/// database, named for the people who read the output.
public struct Tenant: Sendable, Hashable {
    /// The tenant's name: the file's base name, the schema or database name, or the URL's
    /// database. Never holds a password.
    public var name: String
    /// Where and how to connect to this tenant's database.
    public var connection: ConnectionSettings

    /// Creates a tenant.
    public init(name: String, connection: ConnectionSettings) {
        self.name = name
        self.connection = connection
    }
}

/// What a tenant is inside the environment's server, for the `schemas:` and `databases:`
/// forms of `tenants:`: a driver says which of them its dialect has.
public enum TenantScope: String, Sendable, Hashable, CaseIterable {
    /// A schema of the environment's database (PostgreSQL): the history table lives in it
    /// and the search path is set to it on every connection.
    case schema
    /// A database on the environment's server.
    case database

    /// The `tenants:` key that names tenants of this scope: `schemas` or `databases`.
    public var configurationKey: String { rawValue + "s" }
}

/// Where an environment's tenants come from (`tenants:` in `strata.yml`).
public enum TenantSource: Sendable, Hashable {
    /// `urls: [...]`: each URL is a tenant, named after its database.
    case urls([Tenant])
    /// `sqlite: "tenants/*.sqlite3"`: every SQLite file the pattern matches, resolved against
    /// the project directory; a tenant is named after its file.
    case sqliteFiles(pattern: String)
    /// `schemas: QUERY` or `databases: QUERY`: the names the query returns, run on the
    /// environment's own database.
    case query(String, scope: TenantScope)
}

/// An environment's fleet of tenants as configured, and where it is written.
public struct TenantFleetDefinition: Sendable, Hashable {
    /// Where the tenants come from.
    public var source: TenantSource
    /// Where `tenants:` is written, e.g. `strata.yml:12`, for messages.
    public var location: String

    /// Creates a definition.
    public init(source: TenantSource, location: String) {
        self.source = source
        self.location = location
    }

    /// `3 URLs`, `SQLite files tenants/*.sqlite3`, `schemas from a query`.
    public var summary: String {
        switch source {
        case .urls(let tenants): "\(tenants.count) URL\(tenants.count == 1 ? "" : "s")"
        case .sqliteFiles(let pattern): "SQLite files \(pattern)"
        case .query(_, let scope): "\(scope.configurationKey) from a query"
        }
    }
}
