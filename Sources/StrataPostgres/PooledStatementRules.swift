import Foundation

/// Which statements keep state in the session — state that, through a transaction-pooling
/// proxy, lands on a server connection other clients share next.
enum PooledStatementRules {
    /// What in `sql` belongs to the session, in a few words (`SET statement_timeout`), or
    /// `nil` if nothing does: `SET` and `RESET` of a setting (not `SET LOCAL`, `SET
    /// TRANSACTION` or `SET CONSTRAINTS`, which end with the transaction), `SET SESSION …`,
    /// `DISCARD`, `LISTEN`, `PREPARE`, temporary tables and session advisory locks.
    static func sessionState(in sql: String) -> String? {
        let words = leadingWords(of: sql, count: 3)
        guard let first = words.first else { return nil }
        switch first {
        case "SET":
            let second = words.dropFirst().first ?? ""
            if ["LOCAL", "TRANSACTION", "CONSTRAINTS"].contains(second) { return nil }
            let setting = second == "SESSION" ? words.dropFirst(2).first ?? "" : second
            return "SET \(setting.lowercased())".trimmingCharacters(in: .whitespaces)
        case "RESET", "DISCARD", "LISTEN", "PREPARE":
            return ([first] + words.dropFirst().prefix(1).map { $0.lowercased() }).joined(separator: " ")
        case "CREATE":
            let second = words.dropFirst().first ?? ""
            if ["TEMP", "TEMPORARY"].contains(second) { return "CREATE \(second) TABLE" }
        default:
            break
        }
        if sql.range(of: #"pg_(try_)?advisory_lock(_shared)?\s*\("#, options: [.regularExpression, .caseInsensitive]) != nil {
            return "A session advisory lock (pg_advisory_lock)"
        }
        return nil
    }

    /// The first `count` words of `sql`, upper-cased, after its leading comments.
    private static func leadingWords(of sql: String, count: Int) -> [String] {
        var text = Substring(sql)
        while true {
            text = text.drop { $0.isWhitespace }
            if text.hasPrefix("--") {
                text = text.drop { $0 != "\n" }
            } else if text.hasPrefix("/*"), let end = text.range(of: "*/") {
                text = text[end.upperBound...]
            } else {
                break
            }
        }
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.prefix(count)
        return words.map { $0.uppercased() }
    }
}
