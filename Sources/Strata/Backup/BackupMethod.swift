/// How a driver backs up a database: a dump tool writing to standard output, or a copy it
/// makes itself into a file.
public struct BackupMethod: Sendable {
    /// What writes the backup.
    public enum Source: Sendable {
        /// A dump program writing the backup to its standard output.
        case tool(ToolInvocation)
        /// The driver writes a copy of the database to the given path itself.
        case copy(@Sendable (String) async throws -> Void)
    }

    /// What writes the backup.
    public var source: Source
    /// The backup file's extension before compression, e.g. `dump`, `sql`, `sqlite3`.
    public var fileExtension: String
    /// Whether Strata gzips the result (formats that are not compressed already).
    public var compress: Bool

    /// Creates a method.
    public init(source: Source, fileExtension: String, compress: Bool) {
        self.source = source
        self.fileExtension = fileExtension
        self.compress = compress
    }
}

/// How a driver restores a backup it made.
public enum RestoreMethod: Sendable {
    /// A program reading the (uncompressed) backup on its standard input.
    case tool(ToolInvocation)
    /// The driver replaces the database with the (uncompressed) file at the given path itself.
    case copy(@Sendable (String) async throws -> Void)
}
