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
    /// A script the splitter cannot read: an unterminated string, identifier, comment or
    /// `BEGIN … END` block.
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
    /// - Throws: ``SyntaxError`` for an unterminated string, quoted identifier, comment or
    ///   `BEGIN … END` block.
    public func split(_ script: String, firstLine: Int = 1) throws -> [SQLStatement] {
        try split(Array(script.utf8)[...], firstLine: firstLine)
    }

    /// Splits the UTF-8 bytes of a script, whose first line is line `firstLine` of its file.
    func split(_ bytes: ArraySlice<UInt8>, firstLine: Int) throws -> [SQLStatement] {
        var scanner = Scanner(bytes: bytes, syntax: syntax, line: firstLine)
        return try scanner.run()
    }
}

extension StatementSplitter {
    /// The scanning state over one script's UTF-8 bytes. All syntax characters are ASCII,
    /// so byte offsets are safe slice points.
    fileprivate struct Scanner {
        let bytes: ArraySlice<UInt8>
        let syntax: SQLSyntax
        var line: Int
        var index: Int

        // The statement in progress.
        var statementStart: Int?
        var statementLine = 0
        /// `nil` until the statement's first words tell whether it may have a compound body.
        var compound: Bool?
        var wordCount = 0
        var blockDepth = 0
        var previousWordWasEnd = false
        /// A `strata:skip-if` guard read, waiting for the statement it guards.
        var pendingSkipIf: (query: String, line: Int)?
        var statementSkipIf: String?
        var statements: [SQLStatement] = []

        init(bytes: ArraySlice<UInt8>, syntax: SQLSyntax, line: Int) {
            self.bytes = bytes
            self.syntax = syntax
            self.line = line
            self.index = bytes.startIndex
        }

        func peek(_ offset: Int = 0) -> UInt8? {
            let position = index + offset
            return position < bytes.endIndex ? bytes[position] : nil
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
                    try lineComment(skipping: 2)
                case UInt8(ascii: "#") where syntax.hashLineComments:
                    try lineComment(skipping: 1)
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
            if statementStart != nil, blockDepth > 0 {
                // Every later statement would be sent inside this one: refuse, naming where it starts.
                throw SyntaxError(message: "unterminated BEGIN … END block: the statement opens more BEGIN (or CASE) blocks than it closes with END", line: statementLine)
            }
            finishStatement(end: bytes.endIndex)
            if let dangling = pendingSkipIf {
                throw SyntaxError(message: "unattached `-- strata:skip-if` guard: no statement follows it in its section", line: dangling.line)
            }
            return statements
        }

        mutating func markSignificant() {
            if statementStart == nil {
                statementStart = index
                statementLine = line
                statementSkipIf = pendingSkipIf?.query
                pendingSkipIf = nil
            }
        }

        mutating func finishStatement(end: Int) {
            defer {
                statementStart = nil
                compound = nil
                wordCount = 0
                blockDepth = 0
                previousWordWasEnd = false
            }
            guard var start = statementStart else { return }
            var last = end
            while start < last, Self.isWhitespace(bytes[start]) { start += 1 }
            while last > start, Self.isWhitespace(bytes[last - 1]) { last -= 1 }
            guard start < last else { return }
            let text = String(decoding: bytes[start..<last], as: UTF8.self)
            statements.append(SQLStatement(text: text, line: statementLine, skipIf: statementSkipIf))
        }

        /// Skips a line comment; a `strata:skip-if QUERY` directive between statements
        /// becomes the guard of the next statement.
        ///
        /// - Throws: ``SyntaxError`` for a directive without a query, or a second directive
        ///   before the statement the first one guards.
        mutating func lineComment(skipping marker: Int) throws {
            var start = index + marker
            while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
            guard statementStart == nil else { return }
            while start < index, Self.isWhitespace(bytes[start]) { start += 1 }
            let directive = Self.skipIfDirective.utf8
            guard bytes[start..<index].starts(with: directive) else { return }
            var queryStart = start + directive.count
            // `-- strata:skip-iffy` is an ordinary comment, not the directive.
            guard queryStart == index || Self.isWhitespace(bytes[queryStart]) else { return }
            var queryEnd = index
            while queryStart < queryEnd, Self.isWhitespace(bytes[queryStart]) { queryStart += 1 }
            while queryEnd > queryStart, Self.isWhitespace(bytes[queryEnd - 1]) || bytes[queryEnd - 1] == UInt8(ascii: ";") { queryEnd -= 1 }
            guard queryStart < queryEnd else {
                throw SyntaxError(message: "empty `-- strata:skip-if` guard: it has no query (write `-- strata:skip-if SELECT …` on one line, before the statement it guards)", line: line)
            }
            if let earlier = pendingSkipIf {
                throw SyntaxError(message: "extra `-- strata:skip-if` guard: the guard on line \(earlier.line) already guards the next statement (combine their queries into one)", line: line)
            }
            pendingSkipIf = (String(decoding: bytes[queryStart..<queryEnd], as: UTF8.self), line)
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
            guard index > bytes.startIndex, bytes[index - 1] == UInt8(ascii: "E") || bytes[index - 1] == UInt8(ascii: "e") else {
                return false
            }
            return index - 2 < bytes.startIndex || !Self.isWordPart(bytes[index - 2])
        }

        /// The `$tag$` opening at the current position, if there is one.
        func dollarTag() -> [UInt8]? {
            if index > bytes.startIndex, Self.isWordPart(bytes[index - 1]) { return nil }
            var end = index + 1
            while end < bytes.endIndex, bytes[end] != UInt8(ascii: "$") {
                let byte = bytes[end]
                let valid = end == index + 1 ? Self.isWordStart(byte) : Self.isWordPart(byte) && byte != UInt8(ascii: "$")
                if !valid { return nil }
                end += 1
            }
            guard end < bytes.endIndex else { return nil }
            return Array(bytes[index...end])
        }

        mutating func dollarQuoted() throws {
            let startLine = line
            guard let tag = dollarTag() else { return }
            index += tag.count
            while index < bytes.endIndex {
                if bytes[index] == UInt8(ascii: "$"), index + tag.count <= bytes.endIndex,
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
            wordCount += 1
            // Only `CREATE [OR REPLACE] [TEMP] TRIGGER|PROCEDURE|FUNCTION|EVENT …` statements
            // have compound bodies; every other statement is settled by its first word.
            if compound == nil {
                let word = keyword(start..<index)
                if wordCount == 1, word != "CREATE" {
                    compound = false
                } else if let word, Self.compoundObjects.contains(word) {
                    compound = true
                } else if wordCount >= 8 {
                    compound = false
                }
                return
            }
            guard compound == true, let word = keyword(start..<index) else {
                previousWordWasEnd = false
                return
            }
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

        /// The word in `range`, uppercased, if it is short enough to be a keyword that matters.
        func keyword(_ range: Range<Int>) -> String? {
            guard range.count <= 9 else { return nil }
            // Uppercased in place: no intermediate array for every word of every file.
            return String(unsafeUninitializedCapacity: range.count) { (buffer: UnsafeMutableBufferPointer<UInt8>) -> Int in
                for (offset, byte) in bytes[range].enumerated() {
                    buffer[offset] = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
                }
                return range.count
            }
        }

        static let compoundObjects: Set<String> = ["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"]
        static let skipIfDirective = "strata:skip-if"

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }

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
