import NIOConcurrencyHelpers

/// Runs `work`, but returns after `limit` at the latest, leaving `work` behind if it has not
/// finished: for clean-up on a connection whose server may have gone, where an await may
/// never be answered and the process must still end.
///
/// `work` is left running, not cancelled: a close that is merely slow (a loaded machine)
/// still ends its session on the server. Cancelled, it left the session open for the life
/// of the process, and a template save of `db reset` in the same process then found the
/// database "being accessed by other users" (seen once in a full local test run).
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
        let timer = Task {
            try? await Task.sleep(for: limit)
            resumeOnce()
        }
        Task {
            await work()
            timer.cancel()
            resumeOnce()
        }
    }
}
