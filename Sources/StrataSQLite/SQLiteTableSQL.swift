import Foundation
import Strata

/// The `CREATE TABLE` statement SQLite keeps in `sqlite_master`, split into its column
/// definitions and table constraints, so a table rebuild can change one of them and keep
/// every other exactly as written (checks, collations, generated columns).
struct SQLiteTableSQL: Sendable, Hashable {
    /// The column definitions and table constraints, as written.
    var items: [String]
    /// What follows the closing parenthesis, e.g. ` WITHOUT ROWID`.
    var options: String

    /// Splits `sql`, a `CREATE TABLE name (...) options` statement.
    init?(_ sql: String) {
        let characters = Array(sql)
        guard let open = characters.firstIndex(of: "(") else { return nil }
        var items: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        var index = open + 1
        var close: Int?
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                current.append(character)
                let closing: Character = open == "[" ? "]" : open
                if character == closing {
                    // A doubled quote is an escaped one.
                    if open != "[", index + 1 < characters.count, characters[index + 1] == closing {
                        current.append(closing)
                        index += 1
                    } else {
                        quote = nil
                    }
                }
            } else if character == "'" || character == "\"" || character == "`" || character == "[" {
                quote = character
                current.append(character)
            } else if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                // A comment is left out: it would join the next item or hide its name.
                while index < characters.count, characters[index] != "\n" { index += 1 }
                current.append(" ")
            } else if character == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 1
                current.append(" ")
            } else if character == "(" {
                depth += 1
                current.append(character)
            } else if character == ")" {
                if depth == 0 {
                    close = index
                    break
                }
                depth -= 1
                current.append(character)
            } else if character == ",", depth == 0 {
                items.append(current.trimmed)
                current = ""
            } else {
                current.append(character)
            }
            index += 1
        }
        guard let close else { return nil }
        items.append(current.trimmed)
        self.items = items.filter { !$0.isEmpty }
        self.options = String(characters[(close + 1)...])
    }

    /// The words of an item: identifiers unquoted, punctuation as itself.
    static func tokens(_ item: String) -> [String] {
        var tokens: [String] = []
        var characters = item[...]
        while let first = characters.first {
            if first.isWhitespace {
                characters = characters.dropFirst()
            } else if first == "\"" || first == "`" || first == "[" {
                let (word, rest) = quotedName(characters)
                tokens.append(word)
                characters = rest
            } else if first.isLetter || first.isNumber || first == "_" {
                let word = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
                tokens.append(String(word))
                characters = characters.dropFirst(word.count)
            } else {
                tokens.append(String(first))
                characters = characters.dropFirst()
            }
        }
        return tokens
    }

    /// The name quoted at the start of `text` (`"a""b"`, `` `a` ``, `[a]`), unquoted, and
    /// what follows it.
    static func quotedName(_ text: Substring) -> (name: String, rest: Substring) {
        guard let first = text.first else { return ("", text) }
        let closing: Character = first == "[" ? "]" : first
        var name = ""
        var rest = text.dropFirst()
        while let next = rest.first {
            rest = rest.dropFirst()
            if next == closing {
                // A doubled quote is one quote of the name.
                guard closing != "]", rest.first == closing else { break }
                rest = rest.dropFirst()
            }
            name.append(next)
        }
        return (name, rest)
    }

    /// The words of a constraint that ``normalized(_:)`` writes in capitals.
    static let keywords: Set<String> = [
        "ACTION", "AND", "BETWEEN", "CASCADE", "CHECK", "COLLATE", "CONSTRAINT", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE",
        "FOREIGN", "GLOB", "IMMEDIATE", "IN", "INITIALLY", "IS", "KEY", "LIKE", "MATCH", "NO", "NOT", "NULL", "ON", "OR", "PRIMARY",
        "REFERENCES", "RESTRICT", "SET", "UNIQUE", "UPDATE",
    ]

    /// `text` in one spelling, for comparing constraints as written: white space folded (none
    /// beside parentheses and commas), names unquoted where they need no quotes, keywords in
    /// capitals, string literals as they are. `CONSTRAINT "k" FOREIGN KEY ("a") REFERENCES "t" ("id")` and
    /// `CONSTRAINT k FOREIGN KEY (a) REFERENCES t(id)` read the same.
    static func normalized(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        var characters = text[...]
        func append(_ piece: String) {
            let tight = piece == "(" || piece == ")" || piece == ","
            if pendingSpace, !result.isEmpty, !tight, !(result.last == "(" || result.last == ",") { result += " " }
            pendingSpace = false
            result += piece
        }
        while let first = characters.first {
            if first.isWhitespace {
                pendingSpace = true
                characters = characters.dropFirst()
            } else if first == "'" {
                // A string literal, '' inside it included.
                var literal = "'"
                var rest = characters.dropFirst()
                while let next = rest.first {
                    literal.append(next)
                    rest = rest.dropFirst()
                    if next == "'" {
                        if rest.first == "'" {
                            literal.append("'")
                            rest = rest.dropFirst()
                            continue
                        }
                        break
                    }
                }
                append(literal)
                characters = rest
            } else if first == "\"" || first == "`" || first == "[" {
                let (name, rest) = quotedName(characters)
                let plain = name.first.map { $0.isLetter || $0 == "_" } == true && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
                append(plain ? name : "\"" + name.replacing("\"", with: "\"\"") + "\"")
                characters = rest
            } else if first.isLetter || first.isNumber || first == "_" || first == "$" {
                let word = String(characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "." })
                append(keywords.contains(word.uppercased()) ? word.uppercased() : word)
                characters = characters.dropFirst(word.count)
            } else {
                append(String(first))
                characters = characters.dropFirst()
            }
        }
        return result
    }

    /// Whether `item` is a table constraint rather than a column definition.
    static func isConstraint(_ item: String) -> Bool {
        guard let first = tokens(item).first?.uppercased() else { return false }
        // A column named like a keyword would be quoted, and quoted names are unquoted by
        // `tokens`; so check the raw text for an opening quote.
        if let raw = item.first, raw == "\"" || raw == "`" || raw == "[" { return false }
        return ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(first)
    }

    /// The column an item defines, or `nil` for a table constraint.
    static func columnName(_ item: String) -> String? {
        isConstraint(item) ? nil : tokens(item).first
    }

    /// The name of a `CONSTRAINT name ...` item.
    static func constraintName(_ item: String) -> String? {
        let tokens = tokens(item)
        guard isConstraint(item), tokens.count > 1, tokens[0].uppercased() == "CONSTRAINT" else { return nil }
        return tokens[1]
    }

    /// The columns of a table-wide `FOREIGN KEY (a, b)` item.
    static func foreignKeyColumns(_ item: String) -> [String]? {
        let tokens = tokens(item)
        guard isConstraint(item), let foreign = tokens.firstIndex(where: { $0.uppercased() == "FOREIGN" }),
              foreign + 2 < tokens.count, tokens[foreign + 1].uppercased() == "KEY", tokens[foreign + 2] == "("
        else { return nil }
        let rest = tokens[(foreign + 3)...]
        guard let end = rest.firstIndex(of: ")") else { return nil }
        return rest[..<end].filter { $0 != "," }
    }

    /// The values of a `CHECK ("column" IN ('a', 'b'))` in a column definition: how Strata
    /// writes an enumeration on SQLite.
    static func enumerationValues(_ item: String) -> [String]? {
        guard let check = item.range(of: "CHECK (", options: .caseInsensitive),
              let inRange = item.range(of: " IN (", options: .caseInsensitive, range: check.upperBound..<item.endIndex)
        else { return nil }
        let values = SQLStringList.values(in: item[inRange.upperBound...])
        return values.isEmpty ? nil : values
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
