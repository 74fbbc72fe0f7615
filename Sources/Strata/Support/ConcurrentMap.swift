import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements transformed in parallel on every core, in order; the first
    /// error (in element order) is thrown.
    ///
    /// The elements are cut into a few contiguous chunks per core, so the cost of handing
    /// out work is paid per chunk, not per element. The calling thread works through
    /// chunks alongside threads of the map's own — not Dispatch's global queues, which on
    /// Linux are also the threads of Swift's global executor: `strata status` loads the files
    /// while a child task talks to the database, and that task's continuations must not
    /// wait behind a thousand files for a thread.
    ///
    /// `transform` escapes: a helper thread lets go of it only as it ends, which may be just
    /// after the map returns.
    func concurrentMap<T: Sendable>(_ transform: @escaping @Sendable (Element) throws -> T) throws -> [T] {
        guard count > 1 else { return try map(transform) }
        // Past a few threads, reading small files gains little and each thread costs its start.
        let workers = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount, maximumWorkers)
        guard workers > 1 else { return try map(transform) }
        let wanted = Swift.min(count, workers * 4)
        let chunkSize = (count + wanted - 1) / wanted
        // Rounding the size up may leave fewer chunks than wanted: 41 in chunks of 6 are 7.
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let results = ChunkResults<T>(count: chunkCount)
        let work: @Sendable () -> Void = { [self] in
            while let chunk = results.claim() {
                let range = (chunk * chunkSize)..<Swift.min(count, (chunk + 1) * chunkSize)
                results[chunk] = Result { try self[range].map(transform) }
            }
        }
        let finished = DispatchGroup()
        for _ in 1..<workers {
            finished.enter()
            Thread {
                work()
                finished.leave()
            }.start()
        }
        work()
        finished.wait()
        var values: [T] = []
        values.reserveCapacity(count)
        for result in results.values { values += try result.get() }
        return values
    }
}

/// The most threads `concurrentMap` works on, the calling one included.
private let maximumWorkers = 8

/// Results written by concurrent workers, one slot per chunk, and the next chunk to claim.
private final class ChunkResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[T], any Error>?]
    private var nextChunk = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next chunk no worker has taken yet, or `nil` when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard nextChunk < slots.count else { return nil }
            defer { nextChunk += 1 }
            return nextChunk
        }
    }

    subscript(index: Int) -> Result<[T], any Error>? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    /// The results, once every slot is written.
    var values: [Result<[T], any Error>] {
        lock.withLock { slots.map { $0 ?? .failure(CancellationError()) } }
    }
}
