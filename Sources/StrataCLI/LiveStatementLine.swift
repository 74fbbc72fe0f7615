import Foundation
import Strata
import Synchronization

/// The line a terminal shows under a run while one statement runs for longer than two
/// seconds — which migration, which statement, for how long — redrawn twice a second and
/// erased when the statement ends or anything else is printed. Only on a terminal: piped
/// output never has it.
final class LiveStatementLine: Sendable {
    /// The one line of this process; ``Console`` erases it before it writes.
    static let shared = LiveStatementLine()

    /// How long a statement runs before the line appears.
    static let delay: Duration = .seconds(2)

    private struct State {
        var ticker: Task<Void, Never>?
        var shown = false
    }

    private let state = Mutex(State())

    /// Whether the line may be shown at all: standard output is a terminal that can erase a
    /// line (not `TERM=dumb`).
    let enabled = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    /// A statement started: after ``delay`` the line names it until ``end()`` or the next begin.
    func begin(_ id: MigrationID, statement number: Int, line: Int) {
        guard enabled else { return }
        let label = "\(id.version) \(id.name): statement \(number) (line \(line))"
        let clock = ContinuousClock()
        let start = clock.now
        let ticker = Task { [weak self] in
            guard (try? await Task.sleep(for: Self.delay)) != nil else { return }
            while !Task.isCancelled {
                self?.draw("⧗ \(label) running for \(ProgressPrinter.format(clock.now - start))")
                guard (try? await Task.sleep(for: .milliseconds(500))) != nil else { return }
            }
        }
        let previous = state.withLock { state in
            defer { state.ticker = ticker }
            return state.ticker
        }
        previous?.cancel()
    }

    /// The statement ended: the line goes.
    func end() {
        guard enabled else { return }
        state.withLock { state in
            state.ticker?.cancel()
            state.ticker = nil
        }
        erase()
    }

    /// Erases the line if it is shown, before something else is written.
    func erase() {
        guard enabled else { return }
        state.withLock { state in
            guard state.shown else { return }
            Console.writeRaw("\r\u{1B}[K")
            state.shown = false
        }
    }

    private func draw(_ text: String) {
        state.withLock { state in
            guard state.ticker?.isCancelled == false else { return }
            Console.writeRaw("\r\u{1B}[K" + TerminalStyle.paint(text, .dim))
            state.shown = true
        }
    }
}
