import Foundation

/// A snapshot's constraint definition read back into the ``Schema`` API's terms, where it
/// says no more than the API can: `FOREIGN KEY (a) REFERENCES t (id) ON DELETE CASCADE`
/// and `CHECK (expression)`, in any quoting. Anything else — `UNIQUE`, `EXCLUDE`,
/// `DEFERRABLE`, `MATCH FULL`, `NOT VALID` — is not read, and what writes Swift keeps the
/// constraint's SQL instead.
enum ConstraintDefinition: Equatable {
    /// A foreign key.
    case foreignKey(columns: [String], referencedTable: String, referencedColumns: [String], onDelete: ReferentialAction?, onUpdate: ReferentialAction?)
    /// A check, with its expression as written inside `CHECK (…)`.
    case check(String)

    /// The definition read, or `nil` when it says more than the API can.
    init?(_ definition: String) {
        let trimmed = Self.withoutName(definition.trimmingCharacters(in: .whitespacesAndNewlines))
        if trimmed.uppercased().hasPrefix("CHECK") {
            guard let expression = Self.checkExpression(trimmed) else { return nil }
            self = .check(expression)
            return
        }
        var tokens = Self.tokens(trimmed)[...]
        func word(_ expected: String) -> Bool {
            guard let first = tokens.first, first.uppercased() == expected else { return false }
            tokens.removeFirst()
            return true
        }
        func names() -> [String]? {
            guard word("(") else { return nil }
            var list: [String] = []
            while let token = tokens.popFirst() {
                if token == ")" { return list.isEmpty ? nil : list }
                if token == "," { continue }
                list.append(Self.unquoted(token))
            }
            return nil
        }
        guard word("FOREIGN"), word("KEY"), let columns = names(), word("REFERENCES"), var table = tokens.popFirst().map(Self.unquoted) else { return nil }
        // `schema.table`: the table alone, as the API names it.
        while tokens.first == ".", tokens.count > 1 {
            tokens.removeFirst()
            table = Self.unquoted(tokens.removeFirst())
        }
        guard let referenced = names(), referenced.count == columns.count else { return nil }
        var onDelete: ReferentialAction?
        var onUpdate: ReferentialAction?
        while !tokens.isEmpty {
            guard word("ON") else { return nil }
            let isDelete = word("DELETE")
            guard isDelete || word("UPDATE") else { return nil }
            var action = tokens.popFirst()?.uppercased() ?? ""
            if action == "SET" || action == "NO" { action += " " + (tokens.popFirst()?.uppercased() ?? "") }
            guard let parsed = ReferentialAction(rawValue: action) else { return nil }
            if isDelete { onDelete = parsed } else { onUpdate = parsed }
        }
        self = .foreignKey(columns: columns, referencedTable: table, referencedColumns: referenced, onDelete: onDelete, onUpdate: onUpdate)
    }

    /// `definition` without a leading `CONSTRAINT name` (as SQLite keeps a table's constraints).
    private static func withoutName(_ definition: String) -> String {
        guard definition.prefix(10).uppercased() == "CONSTRAINT", let after = definition.dropFirst(10).first, after.isWhitespace else { return definition }
        var rest = definition.dropFirst(10).drop { $0.isWhitespace }
        guard let first = rest.first else { return definition }
        if first == "\"" || first == "`" || first == "[" {
            let closing: Character = first == "[" ? "]" : first
            rest = rest.dropFirst()
            // A doubled quote inside the name is part of it.
            while let next = rest.first {
                rest = rest.dropFirst()
                if next == closing {
                    if closing != "]", rest.first == closing { rest = rest.dropFirst() } else { break }
                }
            }
        } else {
            rest = rest.drop { !$0.isWhitespace && $0 != "(" }
        }
        return String(rest.drop { $0.isWhitespace })
    }

    /// The expression of `CHECK (expression)`, when nothing follows its closing parenthesis.
    private static func checkExpression(_ definition: String) -> String? {
        guard let open = definition.firstIndex(of: "(") else { return nil }
        guard definition[definition.startIndex..<open].trimmingCharacters(in: .whitespaces).uppercased() == "CHECK" else { return nil }
        var depth = 0
        var quote: Character?
        var index = open
        while index < definition.endIndex {
            let character = definition[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
                if depth == 0 {
                    let rest = definition[definition.index(after: index)...].trimmingCharacters(in: .whitespaces)
                    guard rest.isEmpty else { return nil }
                    return String(definition[definition.index(after: open)..<index])
                }
            }
            index = definition.index(after: index)
        }
        return nil
    }

    /// Words, quoted names and the punctuation `(`, `)`, `,` and `.`.
    private static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var closing: Character?
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        for character in text {
            if let end = closing {
                current.append(character)
                if character == end {
                    closing = nil
                    flush()
                }
            } else if character == "\"" || character == "`" || character == "[" {
                flush()
                current.append(character)
                closing = character == "[" ? "]" : character
            } else if character.isWhitespace {
                flush()
            } else if "(),.".contains(character) {
                flush()
                tokens.append(String(character))
            } else {
                current.append(character)
            }
        }
        flush()
        return tokens
    }

    /// A name without its quotes (doubled quotes inside made single).
    private static func unquoted(_ token: String) -> String {
        guard token.count >= 2, let first = token.first, let last = token.last else { return token }
        switch (first, last) {
        case ("\"", "\""): return String(token.dropFirst().dropLast()).replacing("\"\"", with: "\"")
        case ("`", "`"): return String(token.dropFirst().dropLast()).replacing("``", with: "`")
        case ("[", "]"): return String(token.dropFirst().dropLast())
        default: return token
        }
    }
}
