/// A statement cut into tokens for the lint rules: words (upper-cased for matching),
/// quoted identifiers, strings, numbers and symbols; comments dropped. Not a parser: rules
/// look for keyword sequences and the names after them.
public struct SQLTokens: Sendable {
    /// One token.
    public struct Token: Sendable, Hashable {
        /// What kind of token.
        public enum Kind: Sendable, Hashable { case word, quotedIdentifier, string, number, symbol }
        /// Its kind.
        public var kind: Kind
        /// Its text: a word as written, an identifier or string without its quotes.
        public var text: String
        /// A word upper-cased, for keyword matching; other tokens as ``text``.
        public var keyword: String
    }

    /// The tokens, in order.
    public let tokens: [Token]

    /// Tokenizes `sql`.
    public init(_ sql: String) {
        var tokens: [Token] = []
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar == "_" || scalar == "$" || ("0"..."9").contains(scalar)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace { index += 1; continue }
            if scalar == "-", index + 1 < scalars.count, scalars[index + 1] == "-" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            }
            if scalar == "/", index + 1 < scalars.count, scalars[index + 1] == "*" {
                index += 2
                while index + 1 < scalars.count, !(scalars[index] == "*" && scalars[index + 1] == "/") { index += 1 }
                index += 2
                continue
            }
            if scalar == "'" || scalar == "\"" || scalar == "`" {
                let quote = scalar
                var text = String.UnicodeScalarView()
                index += 1
                while index < scalars.count {
                    if scalars[index] == quote {
                        if index + 1 < scalars.count, scalars[index + 1] == quote { text.append(quote); index += 2; continue }
                        break
                    }
                    text.append(scalars[index])
                    index += 1
                }
                index += 1
                let value = String(text)
                tokens.append(Token(kind: quote == "'" ? .string : .quotedIdentifier, text: value, keyword: value))
                continue
            }
            if isWordScalar(scalar) {
                var text = String.UnicodeScalarView()
                while index < scalars.count, isWordScalar(scalars[index]) { text.append(scalars[index]); index += 1 }
                let value = String(text)
                let isNumber = value.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
                tokens.append(Token(kind: isNumber ? .number : .word, text: value, keyword: isNumber ? value : value.uppercased()))
                continue
            }
            tokens.append(Token(kind: .symbol, text: String(scalar), keyword: String(scalar)))
            index += 1
        }
        self.tokens = tokens
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    /// The keywords, for quick sequence tests.
    public var keywords: [String] { tokens.map(\.keyword) }

    /// Whether the statement starts with `words`.
    public func starts(with words: String...) -> Bool { keywords.starts(with: words) }

    /// The index of the first occurrence of `words` at or after `start`.
    public func find(_ words: [String], from start: Int = 0) -> Int? {
        guard !words.isEmpty, tokens.count >= words.count else { return nil }
        let keywords = self.keywords
        var index = start
        while index + words.count <= keywords.count {
            if Array(keywords[index..<(index + words.count)]) == words { return index }
            index += 1
        }
        return nil
    }

    /// Whether `words` occur in sequence anywhere.
    public func contains(_ words: String...) -> Bool { find(words) != nil }

    /// The possibly qualified name at `index` (`a.b.c`), as its last part — lower-cased
    /// unless quoted, as the database folds it — and the index after it.
    public func name(at index: Int) -> (name: String, next: Int)? {
        var position = index
        var last: String?
        while position < tokens.count {
            let token = tokens[position]
            guard token.kind == .word || token.kind == .quotedIdentifier else { break }
            last = token.kind == .word ? token.text.lowercased() : token.text
            if position + 1 < tokens.count, tokens[position + 1].text == "." {
                position += 2
            } else {
                position += 1
                break
            }
        }
        return last.map { ($0, position) }
    }

    /// The name after the keywords `words` and any of `skipping` (`IF NOT EXISTS`, `ONLY`).
    public func name(after words: [String], skipping: Set<String> = ["IF", "NOT", "EXISTS", "ONLY"], from start: Int = 0) -> String? {
        guard var index = find(words, from: start) else { return nil }
        index += words.count
        while index < tokens.count, tokens[index].kind == .word, skipping.contains(tokens[index].keyword) { index += 1 }
        return name(at: index)?.name
    }

    /// The tokens from `start`, cut at the top-level commas: the clauses of an `ALTER TABLE`.
    public func clauses(from start: Int) -> [SQLTokens] {
        var clauses: [SQLTokens] = []
        var current: [Token] = []
        var depth = 0
        for token in tokens.dropFirst(start) {
            if token.kind == .symbol {
                if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
                if token.text == ",", depth == 0 {
                    clauses.append(SQLTokens(tokens: current))
                    current = []
                    continue
                }
            }
            current.append(token)
        }
        if !current.isEmpty { clauses.append(SQLTokens(tokens: current)) }
        return clauses
    }

    /// The string literals in the first parenthesised list after the word `word`: the
    /// values of `ENUM('a', 'b')`.
    public func stringList(after word: String) -> [String]? {
        guard let start = keywords.firstIndex(of: word), start + 1 < tokens.count, tokens[start + 1].text == "(" else { return nil }
        var values: [String] = []
        for token in tokens[(start + 2)...] {
            if token.text == ")" && token.kind == .symbol { return values }
            if token.kind == .string { values.append(token.text) }
        }
        return values
    }
}
