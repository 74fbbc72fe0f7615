import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements transformed in parallel on every core, in order; the first
    /// error (in element order) is thrown.
    ///
    /// The elements are cut into a few contiguous chunks per core, so the cost of handing
    /// out work is paid per chunk, not per element.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        guard count > 1 else { return try map(transform) }
        let wanted = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        let chunkSize = (count + wanted - 1) / wanted
        // Rounding the size up may leave fewer chunks than wanted: 41 in chunks of 6 are 7.
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let results = ChunkResults<T>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<Swift.min(count, (chunk + 1) * chunkSize)
            results[chunk] = Result { try self[range].map(transform) }
        }
        var values: [T] = []
        values.reserveCapacity(count)
        for result in results.values { values += try result.get() }
        return values
    }
}

/// Results written by concurrent workers, one slot per chunk.
private final class ChunkResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[T], any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Result<[T], any Error>? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    /// The results, once every slot is written.
    var values: [Result<[T], any Error>] {
        lock.withLock { slots.map { $0 ?? .failure(CancellationError()) } }
    }
}
