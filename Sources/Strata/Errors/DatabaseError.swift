/// An error reported by a database, normalised by its driver.
///
/// Drivers copy everything the server said into this type — message, code, detail,
/// hint and the position within the statement — because the client libraries' own
/// descriptions are often generic on purpose.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The database's own message, e.g. `no such table: users`.
    public var message: String
    /// The database's error code (an SQLSTATE, an error number or a result code name), if any.
    public var code: String?
    /// Further detail the server gave, if any.
    public var detail: String?
    /// The server's own hint, if any.
    public var hint: String?
    /// The 1-based character offset of the error within the statement, if the server reported one.
    public var position: Int?
    /// The 1-based line of the error within the statement, if the server reported a line
    /// rather than a position (MySQL's "… at line 3").
    public var lineInStatement: Int?

    /// Creates a database error.
    public init(
        message: String, code: String? = nil, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, lineInStatement: Int? = nil
    ) {
        self.message = message
        self.code = code
        self.detail = detail
        self.hint = hint
        self.position = position
        self.lineInStatement = lineInStatement
    }

    /// The message and code on one line, e.g. `no such table: users (SQLITE_ERROR)`.
    public var summary: String {
        code.map { "\(message) (\($0))" } ?? message
    }

    /// The message with the code, detail and hint, on one line each.
    public var description: String {
        var text = message
        if let code { text += " (\(code))" }
        if let detail { text += "\nDetail: \(detail)" }
        if let hint { text += "\nHint: \(hint)" }
        return text
    }
}
