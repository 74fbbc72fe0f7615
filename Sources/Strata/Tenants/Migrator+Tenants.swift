import Logging

extension Migrator {
    /// A migrator over `migrations` for one tenant's database, connecting with `driver`;
    /// its log lines carry the tenant's name (metadata `tenant`).
    public init(
        migrations: [LoadedMigration], tenant: Tenant, driver: any DatabaseDriver, lockTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "strata.migration"), logStatements: Bool = false
    ) {
        var logger = logger
        logger[metadataKey: "tenant"] = "\(tenant.name)"
        let settings = tenant.connection
        self.init(
            migrations: migrations,
            connect: { [logger] purpose in try await driver.connect(settings, for: purpose, logger: logger) },
            lockTimeout: lockTimeout, logger: logger, logStatements: logStatements
        )
    }
}

extension TenantFanOut {
    /// Applies the pending `migrations` to every tenant, ``concurrency`` at a time, each under
    /// its own tenant's migration lock: what an application that keeps a database or schema
    /// per customer runs at start-up. `finished` hears each tenant's outcome as it ends.
    public func migrate(
        _ tenants: [Tenant], migrations: [LoadedMigration], driver: any DatabaseDriver,
        options: Migrator.MigrateOptions = Migrator.MigrateOptions(), lockTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "strata.migration"),
        finished: (TenantOutcome<[CompletedMigration]>) -> Void = { _ in }
    ) async -> TenantFleetReport<[CompletedMigration]> {
        await run(tenants, { tenant in
            try await Migrator(migrations: migrations, tenant: tenant, driver: driver, lockTimeout: lockTimeout, logger: logger).migrate(options)
        }, finished: finished)
    }
}
