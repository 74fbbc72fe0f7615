import Strata

extension MySQLDriver {
    /// A database on the environment's server; a MySQL schema is a database.
    public var tenantScopes: Set<TenantScope> { [.database] }

    /// The environment's settings with the tenant's database.
    public func tenantSettings(_ name: String, scope: TenantScope, beside settings: ConnectionSettings) -> ConnectionSettings {
        var tenant = settings
        tenant.database = name
        return tenant
    }
}
