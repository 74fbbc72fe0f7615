#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Strata

/// An exclusive advisory lock on a file (`flock`), held by an open descriptor.
///
/// The kernel releases it when the process exits, so a crashed run never leaves a stale
/// lock behind. The holder writes its process id, host and start time into the file, so a
/// run that times out can say who holds the lock.
final class FileLock: @unchecked Sendable {
    let path: String
    // Mutated only by the run that owns this connection, one call at a time.
    private var descriptor: Int32 = -1

    init(path: String) {
        self.path = path
    }

    /// Waits at most `timeout` for the lock, polling every 25 ms.
    func acquire(timeout: Duration) async throws -> LockAcquisition {
        if descriptor < 0 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw StrataError(.failure, "Cannot open the lock file \(path): \(String(cString: strerror(errno))).",
                                  hint: "Check that the database's directory is writable.")
            }
            descriptor = fd
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                recordHolder()
                return .acquired
            }
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw StrataError(.failure, "Cannot lock \(path): \(String(cString: strerror(errno))).")
            }
            if ContinuousClock.now >= deadline { return .timedOut(holder: currentHolder()) }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Who holds the lock now, or `nil` if nobody does: tried without waiting on a
    /// descriptor of its own (an existing lock file only; none is created), and let go at once.
    func holder() -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return currentHolder() ?? "another strata process"
    }

    /// Releases the lock and closes the descriptor.
    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    private func recordHolder() {
        let host = ProcessInfo.processInfo.hostName
        let text = "pid \(getpid()) on \(host) since \(ISO8601Timestamp.format(Date()))\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    private func currentHolder() -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let holder = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return holder.isEmpty ? nil : holder
    }
}
