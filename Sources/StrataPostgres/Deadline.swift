import NIOConcurrencyHelpers

/// Runs `work`, but returns after `limit` at the latest, leaving `work` behind if it has not
/// finished: for clean-up on a connection whose server may have gone, where an await may
/// never be answered and the process must still end.
func withDeadline(_ limit: Duration, _ work: @escaping @Sendable () async -> Void) async {
    let resumed = NIOLockedValueBox(false)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeOnce: @Sendable () -> Void = {
            let first = resumed.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume() }
        }
        let worker = Task {
            await work()
            resumeOnce()
        }
        Task {
            try? await Task.sleep(for: limit)
            worker.cancel()
            resumeOnce()
        }
    }
}
