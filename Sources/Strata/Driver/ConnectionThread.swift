import Foundation

/// A thread of its own for one connection whose client library blocks (SQLite's C API,
/// the MariaDB Connector/C), as a task executor.
///
/// The driver runs its blocking calls synchronously inside
/// `withTaskExecutorPreference(thread)`, so they never occupy Swift's cooperative pool, and
/// one at a time, as such libraries require. The connection offers the thread as its
/// ``DatabaseConnection/preferredTaskExecutor``, so a run executes on it and a migration's
/// statements follow one another with no thread switch between them.
public final class ConnectionThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread, named `name` (as debuggers and `top -H` show it).
    public init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Runs `job` on the thread, after the jobs enqueued before it.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs enqueued so far have run.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
