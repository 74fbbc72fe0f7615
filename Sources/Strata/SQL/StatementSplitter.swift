import Foundation

/// Splits a SQL script into statements at top-level semicolons.
///
/// Semicolons inside string literals, quoted identifiers, comments, dollar-quoted
/// bodies and the `BEGIN … END` bodies of triggers, procedures and functions do not end a
/// statement. Which quoting rules apply comes from the dialect's ``SQLSyntax``.
///
/// A line comment of the form `-- strata:skip-if QUERY` attaches its query to the next
/// statement as ``SQLStatement/skipIf``.
public struct StatementSplitter: Sendable {
    /// A script the splitter cannot read: an unterminated string, identifier or comment.
    public struct SyntaxError: Error, Sendable, Equatable {
        /// What is unterminated, e.g. `string literal`.
        public var message: String
        /// The 1-based line where the unterminated construct starts.
        public var line: Int

        /// Creates a syntax error.
        public init(message: String, line: Int) {
            self.message = message
            self.line = line
        }
    }

    /// The lexical rules in force.
    public let syntax: SQLSyntax

    /// Creates a splitter for a dialect's syntax.
    public init(syntax: SQLSyntax) {
        self.syntax = syntax
    }

    /// Splits `script`, whose first line is line `firstLine` of its file.
    ///
    /// Statements made only of comments and white space are dropped.
    /// - Throws: ``SyntaxError`` for an unterminated string, quoted identifier or comment.
    public func split(_ script: String, firstLine: Int = 1) throws -> [SQLStatement] {
        var scanner = Scanner(bytes: Array(script.utf8), syntax: syntax, line: firstLine)
        return try scanner.run()
    }
}

extension StatementSplitter {
    /// The scanning state over one script's UTF-8 bytes. All syntax characters are ASCII,
    /// so byte offsets are safe slice points.
    fileprivate struct Scanner {
        let bytes: [UInt8]
        let syntax: SQLSyntax
        var line: Int
        var index = 0

        // The statement in progress.
        var statementStart: Int?
        var statementLine = 0
        var leadingWords: [String] = []
        var blockDepth = 0
        var previousWordWasEnd = false
        var pendingSkipIf: String?
        var statementSkipIf: String?
        var statements: [SQLStatement] = []

        init(bytes: [UInt8], syntax: SQLSyntax, line: Int) {
            self.bytes = bytes
            self.syntax = syntax
            self.line = line
        }

        func peek(_ offset: Int = 0) -> UInt8? {
            let position = index + offset
            return position < bytes.count ? bytes[position] : nil
        }

        mutating func run() throws -> [SQLStatement] {
            while let byte = peek() {
                switch byte {
                case UInt8(ascii: "\n"):
                    line += 1
                    index += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                    lineComment(skipping: 2)
                case UInt8(ascii: "#") where syntax.hashLineComments:
                    lineComment(skipping: 1)
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    try blockComment()
                case UInt8(ascii: "'"):
                    markSignificant()
                    try quoted(closing: UInt8(ascii: "'"), what: "string literal", backslashEscapes: syntax.backslashEscapesInStrings)
                case UInt8(ascii: "\""):
                    markSignificant()
                    try quoted(closing: UInt8(ascii: "\""), what: "quoted identifier", backslashEscapes: false)
                case UInt8(ascii: "`") where syntax.backtickQuotedIdentifiers:
                    markSignificant()
                    try quoted(closing: UInt8(ascii: "`"), what: "quoted identifier", backslashEscapes: false)
                case UInt8(ascii: "[") where syntax.bracketQuotedIdentifiers:
                    markSignificant()
                    try quoted(closing: UInt8(ascii: "]"), what: "bracketed identifier", backslashEscapes: false)
                case UInt8(ascii: "$") where syntax.dollarQuotedStrings && dollarTag() != nil:
                    markSignificant()
                    try dollarQuoted()
                case UInt8(ascii: ";"):
                    if blockDepth > 0 {
                        index += 1
                    } else {
                        finishStatement(end: index)
                        index += 1
                    }
                case _ where Self.isWordStart(byte):
                    markSignificant()
                    try word()
                default:
                    markSignificant()
                    index += 1
                }
            }
            finishStatement(end: bytes.count)
            return statements
        }

        mutating func markSignificant() {
            if statementStart == nil {
                statementStart = index
                statementLine = line
                statementSkipIf = pendingSkipIf
                pendingSkipIf = nil
            }
        }

        mutating func finishStatement(end: Int) {
            defer {
                statementStart = nil
                leadingWords = []
                blockDepth = 0
                previousWordWasEnd = false
            }
            guard let start = statementStart else { return }
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return }
            statements.append(SQLStatement(text: text, line: statementLine, skipIf: statementSkipIf))
        }

        mutating func lineComment(skipping marker: Int) {
            let start = index + marker
            while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
            let body = String(decoding: bytes[start..<index], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if statementStart == nil, body.hasPrefix(Self.skipIfDirective) {
                let query = body.dropFirst(Self.skipIfDirective.count).trimmingCharacters(in: .whitespaces)
                pendingSkipIf = query.hasSuffix(";") ? String(query.dropLast()) : query
            }
        }

        mutating func blockComment() throws {
            let startLine = line
            var depth = 0
            while let byte = peek() {
                if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                    depth = syntax.nestedBlockComments ? depth + 1 : 1
                    index += 2
                } else if byte == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                    depth -= 1
                    index += 2
                    if depth == 0 { return }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    index += 1
                }
            }
            throw SyntaxError(message: "unterminated /* comment */", line: startLine)
        }

        mutating func quoted(closing: UInt8, what: String, backslashEscapes: Bool) throws {
            let startLine = line
            // A PostgreSQL E'…' string honours backslash escapes.
            let escapes = backslashEscapes || (syntax.escapeStringPrefix && closing == UInt8(ascii: "'") && isEscapeStringPrefix())
            index += 1
            while let byte = peek() {
                if byte == UInt8(ascii: "\n") { line += 1 }
                if escapes, byte == UInt8(ascii: "\\") {
                    if peek(1) == UInt8(ascii: "\n") { line += 1 }
                    index += 2
                    continue
                }
                if byte == closing {
                    // A doubled closing character is an escaped one: 'it''s', "a""b".
                    if peek(1) == closing, closing != UInt8(ascii: "]") {
                        index += 2
                        continue
                    }
                    index += 1
                    return
                }
                index += 1
            }
            throw SyntaxError(message: "unterminated \(what)", line: startLine)
        }

        func isEscapeStringPrefix() -> Bool {
            guard index >= 1, bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e") else {
                return false
            }
            return index < 2 || !Self.isWordPart(bytes[index - 2])
        }

        /// The `$tag$` opening at the current position, if there is one.
        func dollarTag() -> [UInt8]? {
            if index > 0, Self.isWordPart(bytes[index - 1]) { return nil }
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "$") {
                let byte = bytes[end]
                let valid = end == index + 1 ? Self.isWordStart(byte) : Self.isWordPart(byte) && byte != UInt8(ascii: "$")
                if !valid { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            return Array(bytes[index...end])
        }

        mutating func dollarQuoted() throws {
            let startLine = line
            guard let tag = dollarTag() else { return }
            index += tag.count
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "$"), index + tag.count <= bytes.count,
                   Array(bytes[index..<(index + tag.count)]) == tag {
                    index += tag.count
                    return
                }
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
            }
            throw SyntaxError(message: "unterminated dollar-quoted string \(String(decoding: tag, as: UTF8.self))", line: startLine)
        }

        mutating func word() throws {
            let start = index
            while let byte = peek(), Self.isWordPart(byte) { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self).uppercased()
            if leadingWords.count < 8 { leadingWords.append(word) }
            guard opensCompoundBody else { return }
            switch word {
            case "BEGIN":
                blockDepth += 1
            case "CASE":
                if !previousWordWasEnd { blockDepth += 1 }
            case "END":
                blockDepth = max(0, blockDepth - 1)
            case "IF", "LOOP", "WHILE", "REPEAT":
                // `END IF` and friends close constructs that were not counted as openers.
                if previousWordWasEnd { blockDepth += 1 }
            default:
                break
            }
            previousWordWasEnd = word == "END"
        }

        /// Whether the statement in progress is one whose body may hold semicolons:
        /// `CREATE [OR REPLACE] [TEMP] TRIGGER|PROCEDURE|FUNCTION|EVENT …`.
        var opensCompoundBody: Bool {
            guard leadingWords.first == "CREATE" else { return false }
            return leadingWords.contains { Self.compoundObjects.contains($0) }
        }

        static let compoundObjects: Set<String> = ["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"]
        static let skipIfDirective = "strata:skip-if"

        static func isWordStart(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || byte == UInt8(ascii: "_") || byte >= 0x80
        }

        static func isWordPart(_ byte: UInt8) -> Bool {
            isWordStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "$")
        }
    }
}
