import Foundation

/// One SQL statement of a migration, with where it starts in its file.
public struct SQLStatement: Sendable, Hashable {
    /// The statement's text, without its terminating semicolon.
    public var text: String
    /// The 1-based line in the migration file where the statement starts.
    public var line: Int
    /// A query guarding the statement: when it returns at least one row, the statement
    /// is skipped. Written as `-- strata:skip-if QUERY` on the line before the statement.
    public var skipIf: String?
    /// Values for the statement's bind parameters.
    public var binds: [DatabaseValue]
    /// The file the statement comes from when it is not the migration's own source: the
    /// Swift file that called the ``Schema`` operation.
    public var file: String?

    /// Creates a statement.
    public init(text: String, line: Int, skipIf: String? = nil, binds: [DatabaseValue] = [], file: String? = nil) {
        self.text = text
        self.line = line
        self.skipIf = skipIf
        self.binds = binds
        self.file = file
    }

    /// The first line of the statement, shortened, for messages.
    public var excerpt: String {
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        let trimmed = firstLine.trimmingCharacters(in: .whitespaces)
        let short = trimmed.count > 100 ? String(trimmed.prefix(97)) + "..." : trimmed
        let multiline = text.contains("\n") && !short.hasSuffix("...")
        return multiline ? short + " ..." : short
    }
}
