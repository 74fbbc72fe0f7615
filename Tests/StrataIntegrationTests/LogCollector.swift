import Foundation
import Logging

/// Collects every log event with its metadata — the handler's merged under the event's —
/// for tests that check what was logged.
final class LogCollector: LogHandler, @unchecked Sendable {
    /// One logged event.
    struct Event {
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Event] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var events: [Event] { lock.withLock { stored } }
    var messages: [String] { events.map(\.message) }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock { stored.append(Event(message: event.message.description, metadata: merged.mapValues(\.description))) }
    }
}
