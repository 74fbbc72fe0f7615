import Foundation

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
    /// Checks, before anything is written, that there is something to back up; throws a
    /// ``StrataError`` that says what is missing. `nil`: nothing to check.
    public var precondition: (@Sendable () async throws -> Void)?

    /// Creates a method.
    public init(source: Source, fileExtension: String, compress: Bool, precondition: (@Sendable () async throws -> Void)? = nil) {
        self.source = source
        self.fileExtension = fileExtension
        self.compress = compress
        self.precondition = precondition
    }
}

/// What a driver found in a backup file it was asked to restore.
public struct BackupContents: Sendable, Hashable {
    /// The format, as a person names it: `SQLite database`, `pg_dump custom-format archive`.
    public var format: String
    /// The database the file says it was taken from, when its format records it.
    public var database: String?

    /// Creates a description.
    public init(format: String, database: String? = nil) {
        self.format = format
        self.database = database
    }
}

/// How a driver restores a backup: how it checks the file first, whether there is a database
/// to keep a safety copy of, and how it replaces the database — so that a file that is not a
/// backup this engine can restore is refused before anything is touched.
public struct RestoreMethod: Sendable {
    /// Checks the uncompressed file at the first path (named as the second in messages) and
    /// says what it holds.
    ///
    /// - Throws: ``StrataError`` (configuration) naming the file and what it is not.
    public typealias Inspection = @Sendable (_ payload: String, _ name: String) async throws -> BackupContents

    /// Checks a file before anything is touched.
    public var inspect: Inspection
    /// Whether the database exists (and so has data to keep a safety copy of).
    public var databaseExists: @Sendable () async throws -> Bool
    /// Replaces the database with the (uncompressed, inspected) file at the given path; on
    /// failure the database is as it was wherever the engine allows (see ``guarantee``).
    public var replace: @Sendable (String) async throws -> Void
    /// What a failure of ``replace`` leaves, in one sentence: e.g. that it runs in one
    /// transaction, or that the engine cannot undo it and the safety copy is the way back.
    public var guarantee: String

    /// Creates a method.
    public init(inspect: @escaping Inspection, databaseExists: @escaping @Sendable () async throws -> Bool,
                replace: @escaping @Sendable (String) async throws -> Void, guarantee: String) {
        self.inspect = inspect
        self.databaseExists = databaseExists
        self.replace = replace
        self.guarantee = guarantee
    }
}

extension RestoreMethod {
    /// The first `count` bytes of the file at `path` (fewer when it is shorter; none when it
    /// cannot be read): what an ``Inspection`` compares with its format's signature.
    public static func leadingBytes(of path: String, count: Int) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)) ?? Data()
    }
}
