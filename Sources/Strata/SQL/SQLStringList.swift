/// Reads a comma-separated list of single-quoted SQL string literals, as databases report
/// enumerations: `'active', 'it''s'` (and `'it\'s'` where backslashes escape).
public enum SQLStringList {
    /// The values of the literals at the start of `text`, up to the first thing that is
    /// not a literal or a comma.
    public static func values(in text: Substring, backslashEscapes: Bool = false) -> [String] {
        var values: [String] = []
        var rest = text.drop { $0 == " " }
        while rest.first == "'" {
            rest = rest.dropFirst()
            var value = ""
            while let next = rest.first {
                rest = rest.dropFirst()
                if next == "'" {
                    if rest.first == "'" {
                        value.append("'")
                        rest = rest.dropFirst()
                        continue
                    }
                    break
                }
                if backslashEscapes, next == "\\", let escaped = rest.first {
                    value.append(escaped)
                    rest = rest.dropFirst()
                    continue
                }
                value.append(next)
            }
            values.append(value)
            rest = rest.drop { $0 == " " }
            guard rest.first == "," else { break }
            rest = rest.dropFirst().drop { $0 == " " }
        }
        return values
    }
}
