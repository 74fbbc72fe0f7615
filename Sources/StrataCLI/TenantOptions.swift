import ArgumentParser
import Strata

/// The options of commands that can run on the environment's tenants (`tenants:`).
struct TenantOptions: ParsableArguments {
    @Flag(help: "Run on every tenant of the environment (its `tenants:` in strata.yml).")
    var allTenants = false

    @Option(name: .customLong("tenant"), help: ArgumentHelp("Run on this tenant only; repeat for several.", valueName: "name"))
    var names: [String] = []

    @Option(help: ArgumentHelp("With tenants: how many run at once (default: min(8, tenants)).", valueName: "k"))
    var concurrency: Int?

    @Flag(help: "With tenants: start no further tenant after one fails.")
    var failFast = false

    /// Whether the command runs on tenants rather than on the environment's own database.
    var selected: Bool { allTenants || !names.isEmpty }

    func validate() throws {
        if allTenants, !names.isEmpty { throw ValidationError("Give either --all-tenants or --tenant NAME, not both.") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be 1 or more.") }
        if !selected, concurrency != nil || failFast {
            throw ValidationError("--concurrency and --fail-fast go with --all-tenants or --tenant NAME.")
        }
    }

    /// The fan-out these options ask for over `count` tenants.
    func fanOut(tenants count: Int) -> TenantFanOut {
        TenantFanOut(concurrency: concurrency ?? TenantFanOut.defaultConcurrency(tenants: count), failFast: failFast)
    }
}

extension CommandContext {
    /// The tenants `options` select: all of them, or those named, in the fleet's order.
    ///
    /// - Throws: `StrataError` (configuration) when the environment has no `tenants:` or a
    ///   name is not one of its tenants; nothing has been run.
    func selectedTenants(_ options: TenantOptions) async throws -> [Tenant] {
        try await selectedTenants(named: options.names)
    }

    /// This context for the tenant `name`, for the commands that work on one tenant (`restore --tenant`).
    func forTenant(named name: String) async throws -> CommandContext {
        guard let tenant = try await selectedTenants(named: [name]).first else {
            throw StrataError.configuration("No tenant named \(name) in environment \"\(environment.name)\".", hint: "Nothing was done.")
        }
        return try forTenant(tenant)
    }

    /// The tenants named `names`, or all of them when `names` is empty.
    private func selectedTenants(named names: [String]) async throws -> [Tenant] {
        guard let fleet = environment.tenants else {
            throw StrataError.configuration(
                "Environment \"\(environment.name)\" has no tenants: --all-tenants and --tenant need `tenants:` in its configuration.",
                hint: "Add e.g. `tenants: { sqlite: \"tenants/*.sqlite3\" }`, `tenants: { urls: [...] }`, or `schemas:` / `databases:` with a query (README, \"Many tenants\"). Nothing was run."
            )
        }
        let tenants = try await fleet.tenants(beside: environment.connection, driver: driver, logger: logger)
        guard !names.isEmpty else { return tenants }
        let known = Set(tenants.map(\.name))
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            let shown = tenants.prefix(10).map(\.name).joined(separator: ", ")
            let more = tenants.count > 10 ? ", and \(tenants.count - 10) more" : ""
            throw StrataError.configuration(
                "No tenant named \(unknown.joined(separator: ", ")) in environment \"\(environment.name)\" (\(fleet.summary), \(tenants.count) tenant\(tenants.count == 1 ? "" : "s")).",
                hint: tenants.isEmpty ? "The fleet is empty. Nothing was run." : "Its tenants: \(shown)\(more). Nothing was run."
            )
        }
        let wanted = Set(names)
        return tenants.filter { wanted.contains($0.name) }
    }
}
