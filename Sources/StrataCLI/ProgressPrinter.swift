import Foundation
import Strata

/// Prints a run's progress for people, Rails style: one line per migration with its duration.
struct ProgressPrinter: Sendable {
    /// Print nothing (`--quiet` or `--json`).
    let silent: Bool
    /// What an applied one is called: `migrated` or `seeded`.
    var appliedVerb = "migrated"

    func handle(_ event: MigrationEvent) {
        guard !silent else { return }
        switch event {
        case .waitingForLock:
            Console.error("Another run holds the migration lock; waiting for it...")
        case .started:
            break
        case .statementStarted(let id, let statement, let number):
            LiveStatementLine.shared.begin(id, statement: number, line: statement.line)
        case .statementSkipped(_, let statement):
            LiveStatementLine.shared.end()
            Console.print("   skipped the statement at line \(statement.line): its strata:skip-if query returned a row")
        case .finished(let id, let direction, let duration):
            LiveStatementLine.shared.end()
            let verb = direction == .up ? appliedVerb : "reverted"
            Console.print("\(TerminalStyle.success) \(id.version) \(id.name): \(TerminalStyle.paint(verb, .green)) (\(Self.format(duration)))")
        case .ran(let id, _, let duration):
            LiveStatementLine.shared.end()
            Console.print("\(TerminalStyle.success) \(id.version) \(id.name): ran (\(Self.format(duration))), commits with the others")
        case .committed(let count, let duration):
            Console.print(TerminalStyle.paint("Committed \(migrationCount(count)) in one transaction (\(Self.format(duration))).", .green))
        }
    }

    /// `3.2ms`, `1.24s`.
    ///
    /// Rounded half up, in integers: `String(format:)` cost ~15,000 instructions a
    /// migration, a few percent of a short run (docs/benchmarks.md).
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return "0.0ms" }
        if seconds < 1 {
            let tenthsOfMilliseconds = (attoseconds + 50_000_000_000_000) / 100_000_000_000_000
            return "\(tenthsOfMilliseconds / 10).\(tenthsOfMilliseconds % 10)ms"
        }
        let hundredths = seconds * 100 + (attoseconds + 5_000_000_000_000_000) / 10_000_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
    }
}
