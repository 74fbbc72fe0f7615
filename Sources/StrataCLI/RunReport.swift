import Strata

/// The JSON printed by `migrate`, `undo` and `redo` with `--json`.
struct RunReport: Encodable {
    struct Entry: Encodable {
        let version: String
        let name: String
        let direction: String
        let duration_ms: Double
    }

    let environment: String
    let dry_run: Bool
    let migrations: [Entry]

    init(environment: String, completed: [CompletedMigration]) {
        self.environment = environment
        self.dry_run = false
        self.migrations = completed.map { item in
            let seconds = Double(item.duration.components.seconds) + Double(item.duration.components.attoseconds) / 1e18
            return Entry(version: item.id.version.digits, name: item.id.name, direction: item.direction.rawValue,
                         duration_ms: (seconds * 1_000_000).rounded() / 1000)
        }
    }

    init(environment: String, planned: [LoadedMigration], direction: MigrationDirection) {
        self.environment = environment
        self.dry_run = true
        self.migrations = planned.map {
            Entry(version: $0.id.version.digits, name: $0.id.name, direction: direction.rawValue, duration_ms: 0)
        }
    }
}
