import Strata

extension StatusCommand {
    /// `--all-tenants` / `--tenant`: every tenant's status read, a few at a time, and shown
    /// as a matrix — one row per tenant — or as JSON with each tenant's full status.
    func runOnTenants(_ context: CommandContext) async throws {
        let migrations = try await context.loadMigrations()
        let seeders = try context.loadSeeders()
        let fleet = FleetRun(context: context, options: tenants, silent: true, heading: "Reading", doneWord: "read")
        let report = try await fleet.run({ tenant in
            let database = tenant.engine(migrations, lockTimeout: .seconds(60))
            return try await database.status(withSeeders: database.seeding(seeders))
        }, line: { _ in "" })
        if json {
            try Console.json(FleetReportJSON(environment: context.environment.name, report: report) { StatusReport($0.migrations, seeders: $0.seeders) })
        } else if !global.quiet {
            printMatrix(report, context: context)
        }
        try fleet.finish(report, quietSummary: true)
        if exitCode { try Self.checkExitCode(report.outcomes.compactMap { $0.value?.migrations }) }
    }

    /// One row per tenant: its newest applied migration, how many are pending, and any
    /// changed, missing, dirty or running one; then the counts.
    private func printMatrix(_ report: TenantFleetReport<Migrator.CombinedStatus>, context: CommandContext) {
        let fleet = context.environment.tenants?.summary ?? "tenants"
        Console.print("Environment \(context.environment.name): \(tenantCount(report.outcomes.count)) (\(fleet)), migrations in \(context.environment.migrationsDirectory)")
        guard !report.outcomes.isEmpty else { return Console.print("No tenants.") }
        var rows: [[String]] = [["Tenant", "Newest applied", "Pending", "Problems"]]
        var (upToDate, pending, problems) = (0, 0, 0)
        for outcome in report.outcomes {
            guard let status = outcome.value else {
                rows.append([outcome.tenant.name, "-", "-", "error: " + FleetRun.shortReason(outcome.error ?? StrataError.failure("no status"))])
                continue
            }
            let entries = status.migrations
            let newest = entries.last(where: { $0.record != nil }).map { "\($0.id.version.digits) \($0.id.name)" } ?? "(none)"
            let waiting = entries.pendingCount
            var tally: [MigrationState: Int] = [:]
            for entry in entries where entry.state.isProblem || entry.state == .running { tally[entry.state, default: 0] += 1 }
            let trouble = MigrationState.allCases.compactMap { state in tally[state].map { "\($0) \(state.rawValue)" } }
            rows.append([outcome.tenant.name, newest, String(waiting), trouble.isEmpty ? "-" : trouble.joined(separator: ", ")])
            if !trouble.isEmpty { problems += 1 } else if waiting > 0 || tally[.running] != nil { pending += 1 } else { upToDate += 1 }
        }
        Console.print("")
        printColumns(rows)
        let failed = report.failures.count
        var counts = ["\(upToDate) up to date"]
        if pending > 0 { counts.append("\(pending) with pending migrations") }
        if problems > 0 { counts.append("\(problems) with changed, missing or dirty migrations") }
        if failed > 0 { counts.append("\(failed) not read") }
        Console.print("\(tenantCount(report.outcomes.count)): \(counts.joined(separator: ", ")).")
    }

    /// `rows` as left-aligned columns two spaces apart.
    private func printColumns(_ rows: [[String]]) {
        var widths: [Int] = []
        for row in rows {
            for (index, cell) in row.enumerated() {
                if index == widths.count { widths.append(0) }
                widths[index] = max(widths[index], cell.count)
            }
        }
        var text = ""
        for row in rows {
            var line = " "
            for (index, cell) in row.enumerated() {
                line += " " + cell + String(repeating: " ", count: index == row.count - 1 ? 0 : widths[index] - cell.count + 1)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        Console.write(Array(text.utf8))
    }
}
