import Foundation

/// Writes new Swift migrations and keeps their registry up to date:
/// `strata generate NAME --swift --output DIR`.
public struct SwiftMigrationGenerator: Sendable {
    /// The registry file's name in the output directory.
    public static let registryFileName = "Migrations.swift"

    /// Where the Swift migrations and their registry live.
    public let directory: String
    /// The SQL migrations directory, whose versions a new migration must follow too.
    public let sqlDirectory: String?

    /// A generator writing into `directory`.
    public init(directory: String, sqlDirectory: String? = nil) {
        self.directory = directory
        self.sqlDirectory = sqlDirectory
    }

    /// The registry file's path.
    public var registryPath: String { "\(directory)/\(Self.registryFileName)" }

    /// Writes `VERSION-name.swift` from `template`, adds its type to the registry (creating
    /// the registry if needed) and returns both paths.
    ///
    /// - Throws: ``StrataError`` (configuration) for an invalid name, a name that does not
    ///   fit the template, a type name already registered, or a registry whose list cannot
    ///   be found; (failure) when a file cannot be written. Nothing is written on error.
    public func generate(name: String, template: MigrationTemplate = .blank, now: Date = Date()) throws -> (migration: String, registry: String) {
        try generate(name: name, now: now) { id, typeName in try SwiftMigrationTemplate.render(id: id, typeName: typeName, template: template) }
    }

    /// The id a migration called `name` gets now: the current time, or one second after
    /// the newest migration's version when that is later.
    /// - Throws: ``StrataError`` (configuration) for an invalid name.
    public func nextID(name: String, now: Date = Date()) throws -> MigrationID {
        if let problem = MigrationName.problem(with: name) {
            throw StrataError.configuration("Invalid migration name \"\(name)\": \(problem).", hint: "Use kebab-case, e.g. add-status-to-users.")
        }
        var version = MigrationVersion(date: now)
        if let newest = try existingVersions().max(), newest >= version { version = newest.next() }
        return MigrationID(version: version, name: name)
    }

    /// Writes `VERSION-name.swift` with the text `render` gives for its id and type name,
    /// and registers it, as ``generate(name:template:now:)`` does.
    public func generate(
        name: String, now: Date = Date(), render: (_ id: MigrationID, _ typeName: String) throws -> String
    ) throws -> (migration: String, registry: String) {
        let id = try nextID(name: name, now: now)
        let typeName = SwiftMigrationLoader.typeName(for: name)
        let content = try render(id, typeName)
        let registry = try updatedRegistry(adding: typeName)
        let path = "\(directory)/\(MigrationFileName.make(id, extension: "swift"))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            try Data(registry.utf8).write(to: URL(fileURLWithPath: registryPath), options: .atomic)
        } catch {
            throw StrataError.failure("Cannot write \(path) or \(registryPath): \(error.localizedDescription)")
        }
        return (path, registryPath)
    }

    /// The versions of the Swift files in the directory and the SQL files of the SQL directory.
    private func existingVersions() throws -> [MigrationVersion] {
        var versions: [MigrationVersion] = []
        if let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            versions += names.compactMap { try? MigrationFileName.parse($0, extension: "swift").version }
        }
        if let sqlDirectory {
            versions += try MigrationDirectory(path: sqlDirectory, syntax: .standard).load().map(\.id.version)
        }
        return versions
    }

    /// The registry's text with `typeName()` added before the list's closing `])`.
    private func updatedRegistry(adding typeName: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: registryPath) else {
            return SwiftMigrationTemplate.registry(listing: [typeName])
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("\(typeName)()") {
            throw StrataError.configuration(
                "\(registryPath) already lists a migration type \(typeName).",
                hint: "Choose another name for the migration, so that its type name is new."
            )
        }
        var lines = text.components(separatedBy: "\n")
        // `])`, or `], model: model)` where the registry carries a declared schema.
        guard let close = lines.lastIndex(where: { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed == "])" || trimmed.hasPrefix("], model:")
        }) else {
            throw StrataError.configuration(
                "Cannot find the end of the list in \(registryPath): no line reading `])` or `], model: …)`.",
                hint: "Add `\(typeName)(),` to the MigrationRegistry list by hand."
            )
        }
        lines.insert("    \(typeName)(),", at: close)
        return lines.joined(separator: "\n")
    }
}
