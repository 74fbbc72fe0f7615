import Foundation

extension Array where Element: Sendable {
    /// `map` with the elements transformed in parallel on every core, in order; the first
    /// error (in element order) is thrown.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let results = ResultSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results[index] = Result { try transform(self[index]) }
        }
        return try results.values.map { try $0.get() }
    }
}

/// Results written by concurrent workers, one slot each.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Result<T, any Error>? {
        get { lock.withLock { slots[index] } }
        set { lock.withLock { slots[index] = newValue } }
    }

    /// The results, once every slot is written.
    var values: [Result<T, any Error>] {
        lock.withLock { slots.map { $0 ?? .failure(CancellationError()) } }
    }
}
