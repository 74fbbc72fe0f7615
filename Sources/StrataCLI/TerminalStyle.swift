import Foundation
import Strata

/// Colour and symbols for people at a terminal; none when the output is piped, when
/// `NO_COLOR` is set to anything (https://no-color.org), or when `TERM` is `dumb`.
enum TerminalStyle {
    /// An SGR colour or attribute.
    enum Style: String {
        case green = "32", red = "31", yellow = "33", cyan = "36", bold = "1", dim = "2"
    }

    /// Whether standard output takes colour.
    static let stdout = enabled(for: STDOUT_FILENO)
    /// Whether standard error takes colour.
    static let stderr = enabled(for: STDERR_FILENO)

    /// `text` in `style` when `enabled`, else `text` as it is.
    static func paint(_ text: String, _ style: Style, enabled: Bool = stdout) -> String {
        enabled ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The mark before a result line: `✔` in green on a terminal, the Rails-style `==` elsewhere.
    static var success: String { stdout ? paint("✔", .green) : "==" }

    /// The colour of a migration state in `status`.
    static func style(of state: MigrationState) -> Style {
        switch state {
        case .applied: .green
        case .baseline: .dim
        case .pending: .yellow
        case .running: .cyan
        case .changed, .missing, .dirty: .red
        }
    }

    private static func enabled(for descriptor: Int32) -> Bool {
        let variables = ProcessInfo.processInfo.environment
        if let noColor = variables["NO_COLOR"], !noColor.isEmpty { return false }
        if variables["TERM"] == "dumb" { return false }
        return isatty(descriptor) == 1
    }
}
