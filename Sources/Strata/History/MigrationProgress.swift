import Foundation

/// A migration that started but did not finish, in a way that could not be rolled back:
/// a row of the progress table. While it exists the migration is *dirty*.
///
/// Strata writes it before running a migration whose statements cannot share one
/// rollback-able transaction (MySQL DDL, or a `transaction:false` section) — in the
/// transaction that records the migration before it, when there is one in the same run —
/// updates it after every statement, and deletes it in the transaction that records the
/// finished migration. A failure or a killed process leaves it behind, saying how far the
/// migration got.
public struct MigrationProgress: Sendable, Hashable {
    /// The migration's version.
    public var version: MigrationVersion
    /// The migration's name.
    public var name: String
    /// The checksum of the migration's source when it started.
    public var checksum: String
    /// Whether it was being applied or undone.
    public var direction: MigrationDirection
    /// When it started.
    public var startedAt: Date
    /// How many of its statements completed.
    public var statementsDone: Int
    /// How many statements it has.
    public var statementsTotal: Int
    /// The file line of the statement that failed, if one failed (`nil` if the process stopped).
    public var failedLine: Int?
    /// The database's error for that statement.
    public var error: String?

    /// Creates a progress record.
    public init(version: MigrationVersion, name: String, checksum: String, direction: MigrationDirection, startedAt: Date,
                statementsDone: Int, statementsTotal: Int, failedLine: Int? = nil, error: String? = nil) {
        self.version = version
        self.name = name
        self.checksum = checksum
        self.direction = direction
        self.startedAt = startedAt
        self.statementsDone = statementsDone
        self.statementsTotal = statementsTotal
        self.failedLine = failedLine
        self.error = error
    }

    /// The migration's identity.
    public var id: MigrationID { MigrationID(version: version, name: name) }

    /// What the row says of a migration a live run is running (``MigrationState/running``).
    public var runningSummary: String {
        let total = statementsTotal > 0 ? " of \(statementsTotal)" : ""
        return "being \(direction == .up ? "applied" : "undone") now by the run that holds the migration lock: \(statementsDone)\(total) statements done"
    }

    /// `stopped after 2 of 4 statements while being applied (failed at line 7: …)`. A process
    /// that died leaves the next statement's outcome unknown, and the summary says so. A
    /// Swift migration issues its statements as it runs, so its total is unknown (0).
    public var summary: String {
        let verb = direction == .up ? "applied" : "undone"
        let total = statementsTotal > 0 ? " of \(statementsTotal)" : ""
        var text = "stopped after \(statementsDone)\(total) statements while being \(verb)"
        if let failedLine, let error {
            text += " (failed at line \(failedLine): \(error))"
        } else {
            text += " (the process ended during or just after statement \(statementsDone + 1))"
        }
        return text
    }
}
