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
        let fileNames = try sqlFileNames()
        var problems: [String] = []
        var ids: [(MigrationID, String)] = []
        for fileName in fileNames {
            do {
                ids.append((try MigrationFileName.parse(fileName), fileName))
            } catch let error as StrataError {
                problems.append(error.message)
            }
        }
        if !problems.isEmpty {
            throw StrataError.configuration(
                problems.joined(separator: "\n"),
                hint: "Every .sql file in \(path) must be named YYYYMMDDHHMMSS-kebab-name.sql; rename the file(s) above. Nothing was run."
            )
        }
        let byVersion = Dictionary(grouping: ids, by: { $0.0.version })
        if let (version, clashing) = byVersion.first(where: { $0.value.count > 1 }) {
            let names = clashing.map { "\(path)/\($0.1)" }.sorted().joined(separator: ", ")
            throw StrataError.configuration(
                "Duplicate migration version \(version): \(names).",
                hint: "Each migration needs its own version; rename one of them with a later timestamp. Nothing was run."
            )
        }
        let parser = SQLMigrationParser(syntax: syntax, noun: noun)
        // Reading, hashing and splitting are independent per file: spread them over the cores.
        let files = ids.sorted { $0.0 < $1.0 }.map { MigrationFile(id: $0.0, fileName: $0.1) }
        return try files.concurrentMap { file in
            try load(file.id, fileName: file.fileName, parser: parser)
        }
    }

    private func load(_ id: MigrationID, fileName: String, parser: SQLMigrationParser) throws -> LoadedMigration {
        let filePath = "\(path)/\(fileName)"
        let data = try read(filePath)
        guard let text = String(data: data, encoding: .utf8) else {
            throw StrataError.configuration("\(noun) \(filePath) is not valid UTF-8 text.", hint: "Save the file as UTF-8.")
        }
        let sections = try parser.parse(text, fileName: filePath)
        return LoadedMigration(id: id, checksum: Checksum.sha256(data), source: filePath, up: sections.up, down: sections.down)
    }

    /// The names of the `.sql` files in the directory, or none if it does not exist.
    private func sqlFileNames() throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            throw StrataError.configuration("The migrations path \(path) is a file, not a directory.", hint: "Point `migrations:` in strata.yml at a directory.")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw StrataError.failure("Cannot list the migrations directory \(path): \(error.localizedDescription)")
        }
        return names.filter { name in
            !name.hasPrefix(".") && name.lowercased().hasSuffix(".\(MigrationFileName.sqlExtension)")
        }.sorted()
    }

    private func read(_ filePath: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: filePath) else {
            throw StrataError.failure("Cannot read \(noun.lowercased()) \(filePath).", hint: "Check that it is a readable file.")
        }
        return data
    }
}

/// A migration file found in the directory, before it is read.
private struct MigrationFile: Sendable {
    let id: MigrationID
    let fileName: String
}
