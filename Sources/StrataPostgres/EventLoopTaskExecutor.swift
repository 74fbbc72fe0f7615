import NIOCore

/// Runs tasks on one NIO event loop: a run over a PostgreSQL connection executes on the
/// connection's own event-loop thread, so each statement's reply resumes the run without a
/// switch to another thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
