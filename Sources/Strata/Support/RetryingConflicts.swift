/// Runs `body`, and again — at most `attempts` times in all, 20, 40, 80… ms apart — while it
/// fails with an error `dialect` calls a retryable conflict
/// (``SQLDialect/isRetryableConflict(_:)``): a deadlock, a serialization failure, a lost
/// certification on a cluster. For Strata's own bookkeeping writes, never a migration's
/// statements. `onRetry` hears of each conflict retried.
public func retryingConflicts<T>(
    on dialect: any SQLDialect, attempts: Int = 5, onRetry: (DatabaseError, Int) -> Void = { _, _ in },
    _ body: () async throws -> T
) async throws -> T {
    var attempt = 1
    while true {
        do {
            return try await body()
        } catch let error as DatabaseError where attempt < attempts && dialect.isRetryableConflict(error) {
            onRetry(error, attempt)
            try await Task.sleep(for: .milliseconds(10 << attempt))
            attempt += 1
        }
    }
}
