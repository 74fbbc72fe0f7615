import ArgumentParser
import Strata

/// Runs one command's work on the tenants a command line selects, and reports the way the
/// command line does: a line per tenant as it finishes, a summary, then every failure
/// again with its error. Exits 1 when any tenant failed, after all of them ran.
struct FleetRun {
    /// The environment's context; each tenant gets its own from it.
    let context: CommandContext
    /// `--all-tenants`, `--tenant`, `--concurrency`, `--fail-fast`.
    let options: TenantOptions
    /// Prints nothing while running (`--quiet`, `--json`, or a command that prints a table at the end).
    let silent: Bool
    /// What the run does, for the first line: `Migrating`, `Reverting`.
    let heading: String
    /// What a tenant that succeeded was, for the summary: `migrated`, `reverted`.
    let doneWord: String

    /// Runs `work` on each selected tenant and prints `line` of each value as its tenant
    /// finishes, e.g. `3 migrations applied`. Returns the report once every tenant ended;
    /// the caller prints its own result, then calls ``finish(_:)``.
    func run<Value: Sendable>(
        _ work: @escaping @Sendable (CommandContext) async throws -> Value, line: (Value) -> String
    ) async throws -> TenantFleetReport<Value> {
        try await run(on: try await context.selectedTenants(options), work, line: line)
    }

    /// ``run(_:line:)`` on `tenants`, already selected.
    func run<Value: Sendable>(
        on tenants: [Tenant], _ work: @escaping @Sendable (CommandContext) async throws -> Value, line: (Value) -> String
    ) async throws -> TenantFleetReport<Value> {
        let fanOut = options.fanOut(tenants: tenants.count)
        let fleet = context.environment.tenants?.summary ?? "tenants"
        if !silent {
            guard !tenants.isEmpty else {
                Console.print("No tenants in \(context.environment.name) (\(fleet)): nothing to do.")
                return TenantFleetReport(outcomes: [], notStarted: [])
            }
            Console.print("\(heading) \(tenantCount(tenants.count)) of \(context.environment.name) (\(fleet)), \(fanOut.concurrency) at a time")
        }
        let context = self.context
        return await fanOut.run(tenants, { tenant in
            try await work(try context.forTenant(tenant))
        }, finished: { outcome in
            guard !silent else { return }
            let elapsed = ProgressPrinter.format(outcome.duration)
            switch outcome.result {
            case .success(let value):
                // The time goes on the first line; any further lines are details under it.
                let text = line(value)
                let head = text.prefix { $0 != "\n" }
                Console.print("== \(outcome.tenant.name): \(head) (\(elapsed))\(text.dropFirst(head.count))")
            case .failure(let error): Console.print("== \(outcome.tenant.name): failed (\(elapsed)): \(Self.shortReason(error))")
            }
        })
    }

    /// Prints the summary — `998 tenants migrated, 2 failed: beta (…), gamma (…).` — and the
    /// failures with their errors, unless `quietSummary`; throws exit status 1 when any
    /// tenant failed or was not started.
    func finish<Value>(_ report: TenantFleetReport<Value>, quietSummary: Bool = false) throws {
        let failures = report.failures
        if !quietSummary, !report.outcomes.isEmpty || !report.notStarted.isEmpty {
            let succeeded = report.outcomes.count - failures.count
            var summary = "\(tenantCount(succeeded)) \(doneWord)"
            if !failures.isEmpty {
                let named = failures.prefix(10).map { "\($0.tenant.name) (\(Self.shortReason($0.error)))" }
                let more = failures.count > 10 ? ", and \(failures.count - 10) more" : ""
                summary += ", \(failures.count) failed: \(named.joined(separator: ", "))\(more)"
            }
            if !report.notStarted.isEmpty {
                summary += "; \(report.notStarted.count) not started after the first failure (--fail-fast)"
            }
            Console.print(summary + ".")
        }
        guard !failures.isEmpty || !report.notStarted.isEmpty else { return }
        if !failures.isEmpty {
            Console.error("")
            Console.error("\(failures.count == 1 ? "1 tenant" : "\(failures.count) tenants") failed:")
            for (tenant, error) in failures {
                Console.error("error: tenant \(tenant.name): \(Self.message(error))")
                if let hint = (error as? StrataError)?.hint { Console.error("  " + hint.replacing("\n", with: "\n  ")) }
            }
        }
        if !report.notStarted.isEmpty {
            Console.error("Not started: \(report.notStarted.map(\.name).joined(separator: ", ")).")
        }
        throw ExitCode(ExitStatus.failure)
    }

    /// The error's message.
    static func message(_ error: any Error) -> String {
        (error as? StrataError)?.message ?? "\(error)"
    }

    /// The error's first line, cut to a length that fits a summary.
    static func shortReason(_ error: any Error) -> String {
        var first = message(error).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        if first.hasSuffix(".") { first.removeLast() }
        return first.count > 100 ? String(first.prefix(99)) + "…" : first
    }
}

/// `1 tenant`, `3 tenants`.
func tenantCount(_ count: Int) -> String {
    migrationCount(count, noun: "tenant")
}

/// The JSON of a command run on tenants: each tenant's result, or its error.
struct FleetReportJSON<Item: Encodable>: Encodable {
    struct Entry: Encodable {
        let name: String
        /// `ok`, `failed` or `not_started`.
        let status: String
        let duration_ms: Double?
        let result: Item?
        let error: String?
        let hint: String?
    }

    let environment: String
    let tenants: [Entry]
    let succeeded: Int
    let failed: Int
    let not_started: Int

    init<Value>(environment: String, report: TenantFleetReport<Value>, item: (Value) -> Item) {
        self.environment = environment
        var entries: [Entry] = report.outcomes.map { outcome in
            let microseconds = Double(outcome.duration.components.seconds) * 1e6 + Double(outcome.duration.components.attoseconds) / 1e12
            let milliseconds = microseconds.rounded() / 1000
            switch outcome.result {
            case .success(let value):
                return Entry(name: outcome.tenant.name, status: "ok", duration_ms: milliseconds, result: item(value), error: nil, hint: nil)
            case .failure(let error):
                return Entry(name: outcome.tenant.name, status: "failed", duration_ms: milliseconds, result: nil,
                             error: FleetRun.message(error), hint: (error as? StrataError)?.hint)
            }
        }
        entries += report.notStarted.map { Entry(name: $0.name, status: "not_started", duration_ms: nil, result: nil, error: nil, hint: nil) }
        tenants = entries
        failed = report.failures.count
        succeeded = report.outcomes.count - failed
        not_started = report.notStarted.count
    }
}
