import Foundation

/// Loads the SQL migrations of a directory: every `*.sql` file must be named
/// `YYYYMMDDHHMMSS-kebab-name.sql` and parse; versions must be unique.
///
/// Other files (a README, hidden files) and subdirectories are ignored.
public struct MigrationDirectory: Sendable {
    /// The directory's path as given (for messages).
    public let path: String
    /// The syntax the files are split with.
    public let syntax: SQLSyntax
    /// What the files are called in messages: `Migration` or `Seeder`.
    public let noun: String

    /// Creates a loader for the directory at `path`.
    public init(path: String, syntax: SQLSyntax, noun: String = "Migration") {
        self.path = path
        self.syntax = syntax
        self.noun = noun
    }

    /// The migrations, in version order. A directory that does not exist holds none.
    ///
    /// - Throws: ``StrataError`` (configuration) naming every badly named file, the files
    ///   sharing a version, or the first file that does not parse. Nothing is run.
    public func load() throws -> [LoadedMigration] {
        guard let directory = try open() else { return [] }
        var problems: [String] = []
        var files: [MigrationFile] = []
        for fileName in directory.entryNames() where Self.isSQLFile(fileName) {
            do {
                files.append(MigrationFile(id: try MigrationFileName.parse(fileName, noun: noun.lowercased()), fileName: fileName))
            } catch let error as StrataError {
                problems.append(error.message)
            }
        }
        if !problems.isEmpty {
            throw StrataError.configuration(
                problems.sorted().joined(separator: "\n"),
                hint: "Every .sql file in \(path) must be named YYYYMMDDHHMMSS-kebab-name.sql; rename the file(s) above. Nothing was run."
            )
        }
        files.sort { $0.id.version != $1.id.version ? $0.id.version < $1.id.version : $0.fileName < $1.fileName }
        if let clash = zip(files, files.dropFirst()).first(where: { $0.id.version == $1.id.version }) {
            let names = files.filter { $0.id.version == clash.0.id.version }.map { "\(path)/\($0.fileName)" }.joined(separator: ", ")
            throw StrataError.configuration(
                "Duplicate \(noun.lowercased()) version \(clash.0.id.version): \(names).",
                hint: "Each \(noun.lowercased()) needs its own version; rename one of them with a later timestamp. Nothing was run."
            )
        }
        let parser = SQLMigrationParser(syntax: syntax, noun: noun)
        // Reading, hashing and splitting are independent per file: spread them over the cores.
        return try files.concurrentMap { file in
            try load(file, from: directory, parser: parser)
        }
    }

    private func load(_ file: MigrationFile, from directory: DirectoryHandle, parser: SQLMigrationParser) throws -> LoadedMigration {
        let filePath = "\(path)/\(file.fileName)"
        let bytes: [UInt8]
        do {
            bytes = try directory.contents(of: file.fileName, limit: Self.sizeLimit)
        } catch where error.code == EFBIG {
            throw StrataError.configuration(
                "\(noun) \(filePath) is larger than \(Self.sizeLimit >> 20) MB: every run reads every \(noun.lowercased()) file whole, so Strata refuses one this large. Nothing was run.",
                hint: "Keep bulk data out of migrations: load it with the database's own tool (psql \\copy, LOAD DATA, sqlite3 .import), or split the file into migrations of their own."
            )
        } catch {
            throw StrataError.failure("Cannot read \(noun.lowercased()) \(filePath): \(error.reason).", hint: "Check that it is a readable file.")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw StrataError.configuration("\(noun) \(filePath) is not valid UTF-8 text.", hint: "Save the file as UTF-8.")
        }
        let sections = try parser.parse(utf8: bytes, fileName: filePath)
        return LoadedMigration(id: file.id, checksum: Checksum.sha256(bytes), source: filePath, up: sections.up, down: sections.down)
    }

    /// The largest migration file Strata reads: 64 MB.
    public static let sizeLimit = 64 << 20

    /// The directory, or `nil` if it does not exist.
    private func open() throws -> DirectoryHandle? {
        do {
            return try DirectoryHandle(path: path)
        } catch where error.code == ENOTDIR {
            throw StrataError.configuration("The migrations path \(path) is a file, not a directory.", hint: "Point `migrations:` in strata.yml at a directory.")
        } catch {
            throw StrataError.failure("Cannot list the migrations directory \(path): \(error.reason).")
        }
    }

    /// Whether a directory entry is an SQL file (`*.sql`, in any case, and not hidden). A
    /// badly named one is reported rather than ignored.
    private static func isSQLFile(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.lowercased().hasSuffix(".\(MigrationFileName.sqlExtension)")
    }
}

/// A migration file found in the directory, before it is read.
private struct MigrationFile: Sendable {
    let id: MigrationID
    let fileName: String
}
