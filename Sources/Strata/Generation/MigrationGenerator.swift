import Foundation

/// Writes new timestamped SQL migration files: `strata generate NAME`.
public struct MigrationGenerator: Sendable {
    /// The migrations directory; created if missing.
    public let directory: String
    /// The dialect templates are rendered for.
    public let dialect: any SQLDialect

    /// Creates a generator.
    public init(directory: String, dialect: any SQLDialect) {
        self.directory = directory
        self.dialect = dialect
    }

    /// Writes `VERSION-name.sql` from `template` and returns its path.
    ///
    /// The version is the current UTC time, or one second after the newest existing
    /// migration if that is later, so a new migration always sorts last.
    /// - Throws: ``StrataError`` (configuration) for an invalid name or a name that
    ///   does not fit the template; (failure) when the file cannot be written.
    public func generate(name: String, template: MigrationTemplate = .blank, now: Date = Date()) throws -> String {
        if let problem = MigrationName.problem(with: name) {
            throw StrataError.configuration(
                "Invalid migration name \"\(name)\": \(problem).",
                hint: "Use kebab-case, e.g. `strata generate add-status-to-users`."
            )
        }
        return try write(name: name, content: try template.render(name: name, dialect: dialect), now: now)
    }

    /// Writes `VERSION-name.sql` holding `content`, versioned as ``generate(name:template:now:)``
    /// versions, and returns its path.
    public func write(name: String, content: String, now: Date = Date()) throws -> String {
        if let problem = MigrationName.problem(with: name) {
            throw StrataError.configuration("Invalid migration name \"\(name)\": \(problem).", hint: "Use kebab-case, e.g. `initial-schema`.")
        }
        let existing = try MigrationDirectory(path: directory, syntax: dialect.syntax).load()
        var version = MigrationVersion(date: now)
        if let newest = existing.last?.id.version, newest >= version {
            version = newest.next()
        }
        let path = "\(directory)/\(MigrationFileName.make(MigrationID(version: version, name: name)))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(content.utf8)) else {
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw StrataError.failure("Cannot write \(path): \(error.localizedDescription)")
        }
        return path
    }
}
