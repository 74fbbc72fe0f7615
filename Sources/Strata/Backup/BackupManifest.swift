import Foundation

/// Which database a backup holds: the engine, the environment and the database's name (a
/// server's database, with its schema when one is set; SQLite's file as configured).
public struct BackupIdentity: Sendable, Hashable, Codable {
    /// The dialect name, e.g. `sqlite`, `postgres`, `mysql`.
    public var engine: String
    /// The environment the backup was taken in.
    public var environment: String
    /// The database, e.g. `app`, `app?schema=tenant_1`, `db/development.sqlite3`.
    public var database: String

    /// Creates an identity.
    public init(engine: String, environment: String, database: String) {
        self.engine = engine
        self.environment = environment
        self.database = database
    }

    /// The identity of the database `settings` name in `environment`.
    public init(settings: ConnectionSettings, environment: String) {
        var database = settings.database ?? settings.storage ?? ""
        if let schema = settings.schema { database += "?schema=\(schema)" }
        self.init(engine: settings.dialect, environment: environment, database: database)
    }

    /// `postgres database app (environment production)`.
    public var description: String { "\(engine) database \(database) (environment \(environment))" }
}

/// What `strata backup` writes beside every backup, as `FILE.manifest.json`: which database
/// the backup holds, when it was taken, and the payload's size and SHA-256. `strata restore`
/// reads it to refuse a truncated or changed file, or one of another engine or database,
/// before it touches anything.
public struct BackupManifest: Sendable, Hashable, Codable {
    /// Always `strata-backup`: what the file is.
    public var format: String
    /// The manifest's version; this is version 1.
    public var version: Int
    /// The database the backup holds.
    public var source: BackupIdentity
    /// When the backup was taken, in ISO 8601 UTC.
    public var takenAt: String
    /// The backup file's size in bytes.
    public var bytes: Int
    /// The backup file's SHA-256 in lowercase hex.
    public var sha256: String

    /// The manifest's path for a backup at `path`.
    public static func path(for backup: String) -> String { backup + ".manifest.json" }

    /// A manifest describing the file at `path` as a backup of `source`.
    static func describing(_ path: String, source: BackupIdentity, takenAt: Date) throws -> BackupManifest {
        let (bytes, sha256) = try Checksum.sha256(fileAt: path)
        return BackupManifest(format: "strata-backup", version: 1, source: source,
                              takenAt: UTCDateTime(takenAt, fractionDigits: 3).formatted(separator: "T", suffix: "Z"),
                              bytes: bytes, sha256: sha256)
    }

    /// Reads the manifest beside `backup`; `nil` when there is none.
    ///
    /// - Throws: ``StrataError`` (configuration) when the manifest is there but unreadable.
    static func read(besides backup: String) throws -> BackupManifest? {
        let path = Self.path(for: backup)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data),
              manifest.format == "strata-backup" else {
            throw StrataError(.configuration, "Backup manifest \(path) is not a Strata backup manifest; nothing was restored.",
                              hint: "Move it away to restore \(backup) as a foreign file, checked by its format alone.")
        }
        guard manifest.version == 1 else {
            throw StrataError(.configuration, "Backup manifest \(path) is of version \(manifest.version), newer than this strata reads; nothing was restored.",
                              hint: "Restore it with the strata release that took the backup, or a newer one.")
        }
        return manifest
    }

    /// Writes the manifest to `path` (0600), through a temporary file and a rename.
    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let partial = path + ".partial"
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: partial))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StrataError(.failure, "Cannot write the backup manifest \(path): \(error.localizedDescription)")
        }
    }

    /// Checks that the file at `backup` is the one described, and of the engine `target` has.
    ///
    /// - Throws: ``StrataError`` (configuration) naming the file and what does not match.
    func check(_ backup: String, restoringInto target: BackupIdentity, allowOtherDatabase: Bool) throws {
        let (bytes, sha256) = try Checksum.sha256(fileAt: backup)
        guard bytes == self.bytes, sha256 == self.sha256 else {
            throw StrataError(
                .configuration,
                "\(backup) is not the backup its manifest describes: it is \(bytes) bytes with SHA-256 \(sha256.prefix(12))…, "
                    + "the manifest says \(self.bytes) bytes with \(self.sha256.prefix(12))…. It is truncated or was changed; nothing was restored.",
                hint: "Restore another backup (`ls \((backup as NSString).deletingLastPathComponent)`), or copy this one again from where it is kept."
            )
        }
        guard source.engine == target.engine else {
            throw StrataError(.configuration, "\(backup) is a backup of a \(source.engine) database; environment \(target.environment) is \(target.engine). Nothing was restored.",
                              hint: "Restore it into an environment of the same engine.")
        }
        guard allowOtherDatabase || (source.database == target.database && source.environment == target.environment) else {
            throw StrataError(.configuration, "\(backup) is a backup of \(source.description), not of \(target.description). Nothing was restored.",
                              hint: "Pass --allow-other-database to restore it into \(target.database) all the same.")
        }
    }
}
