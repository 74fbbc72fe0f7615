import Foundation

/// Counts the statements of one migration as they run, for progress and failure messages.
final class StatementTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var issued = 0
    private var done: Int
    private var running: SQLStatement?

    init(completed: Int) { done = completed }

    /// Statements completed, including those of an earlier run being resumed.
    var completed: Int { lock.withLock { done } }
    /// The statement running now, if any.
    var current: SQLStatement? { lock.withLock { running } }

    /// Notes that `statement` starts; returns its 0-based index in the migration.
    func begin(_ statement: SQLStatement) -> Int {
        lock.withLock {
            running = statement
            issued += 1
            return issued - 1
        }
    }

    /// Notes that the statement begun last was skipped because a resumed run had done it.
    func skipped() { lock.withLock { running = nil } }

    /// Notes that the statement begun last completed; returns the number completed.
    func finish() -> Int {
        lock.withLock {
            running = nil
            done += 1
            return done
        }
    }
}
