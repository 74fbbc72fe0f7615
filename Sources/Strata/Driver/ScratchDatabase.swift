import Logging

extension DatabaseDriver {
    /// Creates a database of its own beside `settings` (``scratchSettings(beside:)``), runs
    /// `body` with its settings, and drops it — whole, not only the schema it was given —
    /// whether `body` succeeded or not: where `schema check` loads a dump and `verify` proves
    /// rollbacks, never touching the environment's database.
    public func withScratchDatabase<T: Sendable>(
        beside settings: ConnectionSettings, logger: Logger, _ body: (ConnectionSettings) async throws -> T
    ) async throws -> T {
        let scratch = scratchSettings(beside: settings)
        var whole = scratch
        whole.schema = nil
        _ = try await createDatabase(scratch, logger: logger)
        do {
            let result = try await body(scratch)
            _ = try? await dropDatabase(whole, logger: logger)
            return result
        } catch {
            _ = try? await dropDatabase(whole, logger: logger)
            throw error
        }
    }
}
