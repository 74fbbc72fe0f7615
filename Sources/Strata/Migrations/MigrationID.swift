/// A migration's identity: its version and its kebab-case name, e.g. `20250519123045-create-users`.
///
/// The version alone orders the timeline and keys the history table; the name is for people.
public struct MigrationID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 14-digit timestamp.
    public let version: MigrationVersion
    /// The descriptive kebab-case name, e.g. `create-users`.
    public let name: String

    /// Creates an identity from its parts.
    public init(version: MigrationVersion, name: String) {
        self.version = version
        self.name = name
    }

    /// `VERSION-name`, as in the file name without its extension.
    public var description: String { "\(version)-\(name)" }

    /// Orders by version.
    public static func < (lhs: MigrationID, rhs: MigrationID) -> Bool {
        lhs.version < rhs.version
    }
}

extension MigrationID {
    /// Why a text is not a migration id.
    public struct ParseError: Error, Sendable, Hashable {
        /// What is wrong, e.g. `it does not start with a valid 14-digit UTC timestamp`.
        public let reason: String
    }

    /// Parses `VERSION-name`, as in `20250519123045-create-users`.
    /// - Throws: ``ParseError`` saying what is wrong.
    public init(parsing text: String) throws(ParseError) {
        // On the UTF-8 bytes: every file name is parsed on every run.
        let bytes = text.utf8
        guard let version = MigrationVersion(String(decoding: bytes.prefix(14), as: UTF8.self)) else {
            throw ParseError(reason: "it does not start with a valid 14-digit UTC timestamp")
        }
        // The 14 bytes were ASCII digits, so byte 15 starts a character.
        let rest = bytes.dropFirst(14)
        guard rest.first == UInt8(ascii: "-") else { throw ParseError(reason: "the timestamp must be followed by a hyphen and a name") }
        let name = String(decoding: rest.dropFirst(), as: UTF8.self)
        if let problem = MigrationName.problem(with: name) { throw ParseError(reason: problem) }
        self.init(version: version, name: name)
    }
}

/// Rules for the descriptive part of a migration's name.
public enum MigrationName {
    /// Why `name` is not a valid kebab-case migration name, or `nil` if it is.
    ///
    /// Valid names are lowercase ASCII letters and digits in words joined by single
    /// hyphens: `create-users`, `add-status-to-users`, `v2-backfill`.
    public static func problem(with name: String) -> String? {
        // Byte by byte: every migration file's name is checked on every run.
        let bytes = name.utf8
        if bytes.isEmpty { return "the name is empty" }
        if bytes.contains(UInt8(ascii: "/")) || bytes.contains(UInt8(ascii: "\\")) { return "the name contains a path separator" }
        let hyphen = UInt8(ascii: "-")
        let allowed = bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == hyphen
        }
        if !allowed {
            if name.count > 200 { return "the name is longer than 200 characters" }
            return "the name may contain only lowercase letters a-z, digits and hyphens (kebab-case)"
        }
        // ASCII only from here: a byte is a character, and counting them breaks no graphemes.
        if bytes.count > 200 { return "the name is longer than 200 characters" }
        let doubled = zip(bytes, bytes.dropFirst()).contains { $0 == hyphen && $1 == hyphen }
        if bytes.first == hyphen || bytes.last == hyphen || doubled {
            return "hyphens must join words: no leading, trailing or double hyphens"
        }
        return nil
    }
}
