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
        var text = text
        self = try text.withUTF8 { Self.parse($0) }.get()
    }

    /// Parses `VERSION-name` from its UTF-8 bytes: every file name is parsed on every run,
    /// so this stays on the bytes, one pass each.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<MigrationID, ParseError> {
        guard bytes.count >= 14, let version = MigrationVersion(ascii: UnsafeBufferPointer(rebasing: bytes[..<14])) else {
            return .failure(ParseError(reason: "it does not start with a valid 14-digit UTC timestamp"))
        }
        guard bytes.count > 14, bytes[14] == UInt8(ascii: "-") else {
            return .failure(ParseError(reason: "the timestamp must be followed by a hyphen and a name"))
        }
        let name = UnsafeBufferPointer(rebasing: bytes[15...])
        if let problem = MigrationName.problem(with: name) { return .failure(ParseError(reason: problem)) }
        return .success(MigrationID(version: version, name: String(decoding: name, as: UTF8.self)))
    }
}

/// Rules for the descriptive part of a migration's name.
public enum MigrationName {
    /// Why `name` is not a valid kebab-case migration name, or `nil` if it is.
    ///
    /// Valid names are lowercase ASCII letters and digits in words joined by single
    /// hyphens: `create-users`, `add-status-to-users`, `v2-backfill`.
    public static func problem(with name: String) -> String? {
        var name = name
        return name.withUTF8 { problem(with: $0) }
    }

    /// Why the UTF-8 bytes of a name are not a valid migration name, or `nil` if they are;
    /// one pass over the bytes, as every migration file's name is checked on every run.
    static func problem(with bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "the name is empty" }
        let hyphen = UInt8(ascii: "-")
        var kebab = true
        var separator = false
        var previous: UInt8 = 0
        var doubled = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case hyphen: doubled = doubled || previous == hyphen
            case UInt8(ascii: "/"), UInt8(ascii: "\\"): separator = true; kebab = false
            default: kebab = false
            }
            previous = byte
        }
        if separator { return "the name contains a path separator" }
        if !kebab {
            if String(decoding: bytes, as: UTF8.self).count > 200 { return "the name is longer than 200 characters" }
            return "the name may contain only lowercase letters a-z, digits and hyphens (kebab-case)"
        }
        // ASCII only from here: a byte is a character, and counting them breaks no graphemes.
        if bytes.count > 200 { return "the name is longer than 200 characters" }
        if bytes.first == hyphen || bytes.last == hyphen || doubled {
            return "hyphens must join words: no leading, trailing or double hyphens"
        }
        return nil
    }
}
