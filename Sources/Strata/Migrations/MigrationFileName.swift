/// The file-name convention of SQL migrations: `YYYYMMDDHHMMSS-kebab-name.sql`.
public enum MigrationFileName {
    /// The extension of SQL migration files.
    public static let sqlExtension = "sql"

    /// Parses a file name such as `20250519123045-create-users.sql`.
    ///
    /// - Throws: ``StrataError`` (configuration) naming the file and what is wrong with it;
    ///   `noun` says what the file is (`migration`, `seeder`).
    public static func parse(_ fileName: String, extension ext: String = sqlExtension, noun: String = "migration") throws -> MigrationID {
        // Built only for a bad name: every run parses every file name.
        func bad(_ reason: String) -> StrataError {
            .configuration(
                "Bad \(noun) file name \"\(fileName)\": \(reason); expected YYYYMMDDHHMMSS-kebab-name.\(ext), e.g. 20250519123045-create-users.\(ext).",
                hint: "Rename the file, or create migrations with `strata generate NAME`."
            )
        }
        let suffix = Array(".\(ext)".utf8)
        var fileName = fileName
        let parsed: Result<MigrationID, StrataError> = fileName.withUTF8 { bytes in
            guard bytes.count >= suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix) else {
                return .failure(bad("it does not end in .\(ext)"))
            }
            // The suffix is ASCII, so dropping its bytes leaves whole characters.
            return MigrationID.parse(UnsafeBufferPointer(rebasing: bytes.dropLast(suffix.count))).mapError { bad($0.reason) }
        }
        return try parsed.get()
    }

    /// The file name for a migration: `VERSION-name.EXT`.
    public static func make(_ id: MigrationID, extension ext: String = sqlExtension) -> String {
        "\(id).\(ext)"
    }
}
