/// The lexical rules a dialect's SQL follows, as far as splitting a script into
/// statements needs them.
///
/// Core knows no dialect: each dialect module describes its own syntax with these
/// capabilities, and the ``StatementSplitter`` reads them.
public struct SQLSyntax: Sendable, Hashable {
    /// `$$ … $$` and `$tag$ … $tag$` string bodies (PostgreSQL).
    public var dollarQuotedStrings: Bool
    /// Block comments nest: `/* a /* b */ c */` (PostgreSQL).
    public var nestedBlockComments: Bool
    /// A backslash escapes the next character in every string literal (MySQL).
    public var backslashEscapesInStrings: Bool
    /// A backslash escapes the next character in `E'…'` strings (PostgreSQL).
    public var escapeStringPrefix: Bool
    /// `# …` is a line comment (MySQL).
    public var hashLineComments: Bool
    /// A name between backticks is a quoted identifier (MySQL, SQLite).
    public var backtickQuotedIdentifiers: Bool
    /// `[name]` quotes an identifier (SQLite).
    public var bracketQuotedIdentifiers: Bool

    /// Creates a syntax description; every rule is off unless given.
    public init(
        dollarQuotedStrings: Bool = false,
        nestedBlockComments: Bool = false,
        backslashEscapesInStrings: Bool = false,
        escapeStringPrefix: Bool = false,
        hashLineComments: Bool = false,
        backtickQuotedIdentifiers: Bool = false,
        bracketQuotedIdentifiers: Bool = false
    ) {
        self.dollarQuotedStrings = dollarQuotedStrings
        self.nestedBlockComments = nestedBlockComments
        self.backslashEscapesInStrings = backslashEscapesInStrings
        self.escapeStringPrefix = escapeStringPrefix
        self.hashLineComments = hashLineComments
        self.backtickQuotedIdentifiers = backtickQuotedIdentifiers
        self.bracketQuotedIdentifiers = bracketQuotedIdentifiers
    }

    /// Standard SQL only: `'strings'`, `"identifiers"`, `-- line` and `/* block */` comments.
    public static let standard = SQLSyntax()
}
