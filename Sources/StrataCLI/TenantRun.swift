import Strata

/// What one tenant's `migrate`, `undo` or `redo` did, or would do (`--dry-run`).
struct TenantRun: Sendable {
    /// What was applied or reverted.
    var completed: [CompletedMigration] = []
    /// With `--dry-run`: what would be.
    var planned: [LoadedMigration]?
    /// The direction of ``planned``.
    var direction: MigrationDirection = .up

    init(completed: [CompletedMigration]) { self.completed = completed }

    init(planned: [LoadedMigration], direction: MigrationDirection) {
        self.planned = planned
        self.direction = direction
    }

    /// `3 migrations applied`, `up to date`, `would apply 2 migrations: 20250101… a, …`.
    func line(applied: String, nothing: String, count: Int? = nil, noun: String = "migration") -> String {
        if let planned {
            guard !planned.isEmpty else { return nothing }
            let verb = direction == .up ? "apply" : "revert"
            let shown = planned.prefix(5).map(\.id.description).joined(separator: ", ")
            return "would \(verb) \(migrationCount(planned.count, noun: noun)): \(shown)\(planned.count > 5 ? ", …" : "")"
        }
        return completed.isEmpty ? nothing : "\(migrationCount(count ?? completed.count, noun: noun)) \(applied)"
    }

    /// The `--json` result of this tenant.
    func report(environment: String) -> RunReport {
        planned.map { RunReport(environment: environment, planned: $0, direction: direction) } ?? RunReport(environment: environment, completed: completed)
    }

    /// A progress handler that says, on standard error, when `tenant` waits for another run's lock.
    static func waitNotice(_ tenant: CommandContext) -> Migrator.ProgressHandler {
        let name = tenant.tenant?.name ?? tenant.environment.name
        return { event in
            if case .waitingForLock = event { Console.error("\(name): another run holds the migration lock; waiting for it...") }
        }
    }
}
