import Strata

/// A connection for reading, opened in the background while a command loads its migration
/// files, and handed to the command's first read: on a server, connecting (and
/// authenticating) and reading the files then overlap instead of following each other.
///
/// Taken at most once. If it is never taken, it is closed when this goes away.
actor EarlyConnection {
    private var opening: Task<any DatabaseConnection, any Error>?

    /// Starts `connect` now.
    init(_ connect: @escaping @Sendable () async throws -> any DatabaseConnection) {
        opening = Task { try await connect() }
    }

    /// The connection (or the error opening it), the first time; `nil` after that.
    func take() async throws -> (any DatabaseConnection)? {
        guard let opening else { return nil }
        self.opening = nil
        return try await opening.value
    }

    /// Closes the connection unused, for a command that ends before reading.
    func discard() async {
        guard let opening else { return }
        self.opening = nil
        await (try? opening.value)?.close()
    }

    deinit {
        guard let opening else { return }
        Task { await (try? opening.value)?.close() }
    }
}
