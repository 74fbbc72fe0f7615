/// The file-name convention of SQL migrations: `YYYYMMDDHHMMSS-kebab-name.sql`.
public enum MigrationFileName {
    /// The extension of SQL migration files.
    public static let sqlExtension = "sql"

    /// Parses a file name such as `20250519123045-create-users.sql`.
    ///
    /// - Throws: ``StrataError`` (configuration) naming the file and what is wrong with it.
    public static func parse(_ fileName: String, extension ext: String = sqlExtension) throws -> MigrationID {
        let expected = "expected YYYYMMDDHHMMSS-kebab-name.\(ext), e.g. 20250519123045-create-users.\(ext)"
        func bad(_ reason: String) -> StrataError {
            .configuration(
                "Bad migration file name \"\(fileName)\": \(reason); \(expected).",
                hint: "Rename the file, or create migrations with `strata generate NAME`."
            )
        }
        guard fileName.hasSuffix(".\(ext)") else { throw bad("it does not end in .\(ext)") }
        let stem = String(fileName.dropLast(ext.count + 1))
        let versionPart = String(stem.prefix(14))
        guard let version = MigrationVersion(versionPart) else {
            throw bad("it does not start with a valid 14-digit UTC timestamp")
        }
        let rest = stem.dropFirst(14)
        guard rest.first == "-" else { throw bad("the timestamp must be followed by a hyphen and a name") }
        let name = String(rest.dropFirst())
        if let problem = MigrationName.problem(with: name) { throw bad(problem) }
        return MigrationID(version: version, name: name)
    }

    /// The file name for a migration: `VERSION-name.EXT`.
    public static func make(_ id: MigrationID, extension ext: String = sqlExtension) -> String {
        "\(id).\(ext)"
    }
}
