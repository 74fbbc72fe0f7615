import Foundation

/// One direction of a migration: the statements to run (or the Swift code that issues
/// them) and whether they share a transaction.
public struct MigrationBody: Sendable, Hashable {
    /// The statements of a SQL migration, in order; empty for a Swift migration.
    public var statements: [SQLStatement]
    /// Whether the statements and the history change commit in one transaction.
    /// `false` for `-- migrate:up transaction:false`, e.g. for `CREATE INDEX CONCURRENTLY`.
    public var runsInTransaction: Bool
    /// The code of a Swift migration, which issues its statements through a ``Schema``.
    public var program: SchemaProgram?
    /// Whether foreign keys are checked only when the transaction commits
    /// (`-- migrate:up foreign_keys:deferred`): on SQLite, for a table rebuilt by dropping it
    /// and renaming its copy, which would otherwise delete (or cascade to) the rows that
    /// reference it.
    public var defersForeignKeys = false

    /// Creates the body of a SQL migration.
    public init(statements: [SQLStatement], runsInTransaction: Bool = true) {
        self.statements = statements
        self.runsInTransaction = runsInTransaction
    }

    /// Creates the body of a Swift migration.
    public init(program: SchemaProgram, runsInTransaction: Bool) {
        self.statements = []
        self.runsInTransaction = runsInTransaction
        self.program = program
    }
}

/// The code of one direction of a Swift migration.
public struct SchemaProgram: Sendable, Hashable {
    /// Identifies the program for equality, e.g. `20250519123045-create-users up`.
    public let identity: String
    /// The changes the program made against an empty recording schema (shown by `--dry-run`).
    public let recordedChanges: [SchemaChange]
    /// Runs the program.
    public let run: @Sendable (Schema) async throws -> Void

    /// Creates a program.
    public init(identity: String, recordedChanges: [SchemaChange], run: @escaping @Sendable (Schema) async throws -> Void) {
        self.identity = identity
        self.recordedChanges = recordedChanges
        self.run = run
    }

    /// Equal when the identities are.
    public static func == (lhs: SchemaProgram, rhs: SchemaProgram) -> Bool { lhs.identity == rhs.identity }
    /// Hashes the identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(identity) }
}

/// Reads the dbmate-compatible sections of a SQL migration file:
///
/// ```sql
/// -- migrate:up
/// CREATE TABLE users (id INTEGER PRIMARY KEY);
/// -- migrate:down
/// DROP TABLE users;
/// ```
///
/// A section marker may carry options: `-- migrate:up transaction:false`.
public struct SQLMigrationParser: Sendable {
    /// The parsed sections; `down` is `nil` when the file has no `-- migrate:down` marker.
    public struct Sections: Sendable, Hashable {
        /// The statements applied by `migrate`.
        public var up: MigrationBody
        /// The statements applied by `undo`, or `nil` if the migration is irreversible.
        public var down: MigrationBody?
    }

    /// The splitter for the dialect's syntax.
    public let splitter: StatementSplitter
    /// What the files are called in messages: `Migration` or `Seeder`.
    public let noun: String

    /// Creates a parser for a dialect's syntax.
    public init(syntax: SQLSyntax, noun: String = "Migration") {
        self.splitter = StatementSplitter(syntax: syntax)
        self.noun = noun
    }

    /// Parses the text of the file named `fileName` (used in error messages).
    ///
    /// - Throws: ``StrataError`` (configuration) naming the file and line: a missing or
    ///   repeated `-- migrate:up`, an unknown option, a statement before the first section,
    ///   an unterminated string or comment.
    public func parse(_ text: String, fileName: String) throws -> Sections {
        try parse(utf8: Array(text.utf8), fileName: fileName)
    }

    /// Parses a file's text given as UTF-8 bytes (known to be valid UTF-8), as read from disk.
    func parse(utf8 bytes: [UInt8], fileName: String) throws -> Sections {
        var lineStarts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lineStarts.append(offset + 1)
        }
        /// The bytes of lines `first` up to, not including, `end` (1-based).
        func lines(_ first: Int, upTo end: Int) -> ArraySlice<UInt8> {
            let lower = first - 1 < lineStarts.count ? lineStarts[first - 1] : bytes.count
            let upper = end - 1 < lineStarts.count ? lineStarts[end - 1] : bytes.count
            return bytes[lower..<max(lower, upper)]
        }

        var markers: [(direction: Direction, line: Int, options: SectionOptions)] = []
        for (offset, start) in lineStarts.enumerated() {
            let end = offset + 1 < lineStarts.count ? lineStarts[offset + 1] - 1 : bytes.count
            var position = start
            while position < end, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
            // Only comment lines can be markers.
            guard position + 1 < end, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") else { continue }
            // Most comments are not markers: look for `migrate:` before reading the line as text.
            var word = position + 2
            while word < end, bytes[word] == UInt8(ascii: " ") || bytes[word] == UInt8(ascii: "\t") { word += 1 }
            guard bytes[word..<end].starts(with: Self.markerPrefix) else { continue }
            let lineNumber = offset + 1
            guard let (direction, options) = Self.marker(in: bytes[(position + 2)..<end]) else { continue }
            if markers.contains(where: { $0.direction == direction }) {
                throw error(fileName, lineNumber, "a second `-- migrate:\(direction.rawValue)` section")
            }
            let sectionOptions = try sectionOptions(options, fileName: fileName, line: lineNumber)
            markers.append((direction, lineNumber, sectionOptions))
        }
        guard let upMarker = markers.first(where: { $0.direction == .up }) else {
            throw StrataError.configuration(
                "\(noun) \(fileName) has no `-- migrate:up` section.",
                hint: "Put `-- migrate:up` on its own line before the statements to apply, and `-- migrate:down` before those that undo them."
            )
        }

        // Anything but comments before the first marker is a statement outside any section.
        let firstMarkerLine = markers.map(\.line).min() ?? upMarker.line
        if let stray = try split(lines(1, upTo: firstMarkerLine), firstLine: 1, fileName: fileName).first {
            throw error(fileName, stray.line, "a statement before the first `-- migrate:up` or `-- migrate:down` marker")
        }

        func body(of marker: (direction: Direction, line: Int, options: SectionOptions)) throws -> MigrationBody {
            let nextMarkerLine = markers.map(\.line).filter { $0 > marker.line }.min() ?? (lineStarts.count + 1)
            let section = lines(marker.line + 1, upTo: nextMarkerLine)
            let statements = try split(section, firstLine: marker.line + 1, fileName: fileName)
            var body = MigrationBody(statements: statements, runsInTransaction: marker.options.inTransaction)
            body.defersForeignKeys = marker.options.defersForeignKeys
            return body
        }
        let down = try markers.first(where: { $0.direction == .down }).map(body(of:))
        return Sections(up: try body(of: upMarker), down: down)
    }

    private func split(_ bytes: ArraySlice<UInt8>, firstLine: Int, fileName: String) throws -> [SQLStatement] {
        do {
            return try splitter.split(bytes, firstLine: firstLine)
        } catch let syntaxError as StatementSplitter.SyntaxError {
            throw error(fileName, syntaxError.line, "an \(syntaxError.message)")
        }
    }

    private static let markerPrefix = Array("migrate:".utf8)

    private enum Direction: String {
        case up, down
    }

    private static let upMarker = Array("migrate:up".utf8)
    private static let downMarker = Array("migrate:down".utf8)

    /// The direction and option words of a `-- migrate:up|down [options]` line, given the
    /// bytes after its `--`. Byte by byte: every migration file has one or two.
    private static func marker(in line: ArraySlice<UInt8>) -> (Direction, [String])? {
        let words = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
        guard let first = words.first else { return nil }
        let direction: Direction
        if first.elementsEqual(upMarker) {
            direction = .up
        } else if first.elementsEqual(downMarker) {
            direction = .down
        } else {
            return nil
        }
        return (direction, words.dropFirst().map { String(decoding: $0, as: UTF8.self) })
    }

    /// The options a section marker may carry.
    private struct SectionOptions {
        var inTransaction = true
        var defersForeignKeys = false
    }

    private func sectionOptions(_ options: [String], fileName: String, line: Int) throws -> SectionOptions {
        var parsed = SectionOptions()
        for option in options {
            switch option {
            case "transaction:false": parsed.inTransaction = false
            case "transaction:true": parsed.inTransaction = true
            case "foreign_keys:deferred": parsed.defersForeignKeys = true
            default:
                throw error(fileName, line, "the unknown section option `\(option)` (the options are transaction:false and foreign_keys:deferred)")
            }
        }
        if parsed.defersForeignKeys && !parsed.inTransaction {
            throw error(fileName, line, "foreign_keys:deferred with transaction:false (foreign keys are deferred until a transaction commits)")
        }
        return parsed
    }

    private func error(_ fileName: String, _ line: Int, _ what: String) -> StrataError {
        .configuration("\(noun) \(fileName), line \(line): \(what).", hint: "Fix the file; nothing was run.")
    }
}
