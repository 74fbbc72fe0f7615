import Strata

extension PostgresDriver {
    /// A schema of the environment's database (its history table inside it, the search
    /// path set to it on every connection), or a database on its server.
    public var tenantScopes: Set<TenantScope> { [.schema, .database] }

    /// The environment's settings with the tenant's schema, or its database.
    public func tenantSettings(_ name: String, scope: TenantScope, beside settings: ConnectionSettings) -> ConnectionSettings {
        var tenant = settings
        switch scope {
        case .schema: tenant.schema = name
        case .database: tenant.database = name
        }
        return tenant
    }
}
