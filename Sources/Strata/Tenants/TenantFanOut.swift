/// Runs the same work on every tenant of a fleet, a few at a time: a failing tenant never
/// stops the others (unless ``failFast``), and each tenant's outcome is reported as it
/// finishes.
///
/// At most ``concurrency`` tenants run at once, so at most that many tenants' connections
/// are open; what is kept of a finished tenant is its outcome only.
///
/// ```swift
/// let tenants = try await fleet.tenants(beside: environment.connection, driver: driver, logger: logger)
/// let report = await TenantFanOut(concurrency: 8).run(tenants) { tenant in
///     try await Migrator(migrations: migrations, tenant: tenant, driver: driver).migrate()
/// }
/// for failure in report.failures { logger.error("\(failure.tenant.name): \(failure.error)") }
/// ```
public struct TenantFanOut: Sendable {
    /// How many tenants run at once; at least 1.
    public var concurrency: Int
    /// Whether to start no further tenant once one has failed. Tenants already running finish.
    public var failFast: Bool

    /// The concurrency used when none is given: min(8, tenants).
    public static func defaultConcurrency(tenants: Int) -> Int { max(1, min(8, tenants)) }

    /// Creates a fan-out running `concurrency` tenants at once.
    public init(concurrency: Int = 8, failFast: Bool = false) {
        self.concurrency = max(1, concurrency)
        self.failFast = failFast
    }

    /// Runs `work` on each of `tenants`, ``concurrency`` at a time, and calls `finished` with
    /// each tenant's outcome as it finishes — one call at a time, so it may print.
    ///
    /// Returns every outcome in the order of `tenants`; with ``failFast``, the tenants never
    /// started are in ``TenantFleetReport/notStarted``.
    public func run<Value: Sendable>(
        _ tenants: [Tenant],
        _ work: @escaping @Sendable (Tenant) async throws -> Value,
        finished: (TenantOutcome<Value>) -> Void = { _ in }
    ) async -> TenantFleetReport<Value> {
        var outcomes: [TenantOutcome<Value>?] = Array(repeating: nil, count: tenants.count)
        var next = 0
        var stopped = false
        await withTaskGroup(of: (Int, TenantOutcome<Value>).self) { group in
            func startNext() {
                guard next < tenants.count, !stopped else { return }
                let index = next
                let tenant = tenants[index]
                next += 1
                group.addTask {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let result: Result<Value, any Error>
                    do {
                        result = .success(try await work(tenant))
                    } catch {
                        result = .failure(error)
                    }
                    return (index, TenantOutcome(tenant: tenant, result: result, duration: clock.now - start))
                }
            }
            for _ in 0..<min(concurrency, tenants.count) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                finished(outcome)
                if failFast, outcome.error != nil { stopped = true }
                startNext()
            }
        }
        var report = TenantFleetReport<Value>(outcomes: [], notStarted: [])
        for (index, outcome) in outcomes.enumerated() {
            if let outcome { report.outcomes.append(outcome) } else { report.notStarted.append(tenants[index]) }
        }
        return report
    }
}

/// How one tenant's work ended.
public struct TenantOutcome<Value: Sendable>: Sendable {
    /// The tenant.
    public var tenant: Tenant
    /// What the work returned, or the error it threw.
    public var result: Result<Value, any Error>
    /// How long the tenant's work took, connecting included.
    public var duration: Duration

    /// Creates an outcome.
    public init(tenant: Tenant, result: Result<Value, any Error>, duration: Duration) {
        self.tenant = tenant
        self.result = result
        self.duration = duration
    }

    /// The value, when the work succeeded.
    public var value: Value? { try? result.get() }

    /// The error, when the work failed.
    public var error: (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }
}

/// The outcomes of a fan-out over a fleet.
public struct TenantFleetReport<Value: Sendable>: Sendable {
    /// Each started tenant's outcome, in the fleet's order.
    public var outcomes: [TenantOutcome<Value>]
    /// The tenants not started because an earlier one failed (``TenantFanOut/failFast``).
    public var notStarted: [Tenant]

    /// Creates a report.
    public init(outcomes: [TenantOutcome<Value>], notStarted: [Tenant]) {
        self.outcomes = outcomes
        self.notStarted = notStarted
    }

    /// The tenants whose work failed, with their errors, in the fleet's order.
    public var failures: [(tenant: Tenant, error: any Error)] {
        outcomes.compactMap { outcome in outcome.error.map { (outcome.tenant, $0) } }
    }

    /// Whether every tenant ran and none failed.
    public var succeeded: Bool { notStarted.isEmpty && outcomes.allSatisfy { $0.error == nil } }
}
