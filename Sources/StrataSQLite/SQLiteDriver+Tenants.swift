import Strata

extension SQLiteDriver {
    /// None: a SQLite tenant is a file of its own (`tenants: { sqlite: PATTERN }`).
    public var tenantScopes: Set<TenantScope> { [] }

    /// `settings` unchanged: SQLite has no tenants inside a database.
    public func tenantSettings(_ name: String, scope: TenantScope, beside settings: ConnectionSettings) -> ConnectionSettings { settings }
}
