#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes and restores backups safely: in a 0700 directory, as 0600 files named
/// `backup-ENV-YYYYMMDDTHHMMSS.mmmZ.EXT[.gz]`, written under a temporary name and renamed only
/// once the dump tool exited 0 and the file is complete — so a failed backup leaves no file
/// that looks like a backup. Beside each backup goes its ``BackupManifest``.
///
/// A restore checks the file before touching anything (its manifest, else its format), keeps
/// a safety copy of the database it replaces, and only then replaces it.
public struct BackupManager: Sendable {
    /// The backups directory.
    public let directory: String
    /// The environment's name, part of every file name.
    public let environment: String
    /// The database backed up and restored into, recorded in every manifest.
    public let identity: BackupIdentity

    /// Creates a manager for the database `settings` names in `environment`.
    public init(directory: String, environment: String, settings: ConnectionSettings) {
        self.directory = directory
        self.environment = environment
        self.identity = BackupIdentity(settings: settings, environment: environment)
    }

    /// Backs up with `method` into `output` (a path) or a new file in the directory, keeps
    /// only the newest `keep` backups of the environment, and returns the file's path.
    public func backup(_ method: BackupMethod, output: String? = nil, keep: Int? = nil, now: Date = Date()) async throws -> String {
        try await write(method, prefix: "backup", output: output, keep: keep, now: now)
    }

    private func write(_ method: BackupMethod, prefix: String, output: String? = nil, keep: Int? = nil, now: Date) async throws -> String {
        try await method.precondition?()
        let suffix = ".\(method.fileExtension)\(method.compress ? ".gz" : "")"
        var moment = now
        var destination = output ?? "\(directory)/\(prefix)-\(environment)-\(Self.timestamp(moment))\(suffix)"
        // Never overwrite an earlier backup taken within the same millisecond.
        while output == nil, FileManager.default.fileExists(atPath: destination) {
            moment = moment.addingTimeInterval(0.001)
            destination = "\(directory)/\(prefix)-\(environment)-\(Self.timestamp(moment))\(suffix)"
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let place = folder.isEmpty ? "." : folder
        // A failed backup leaves no trace: not even the directory, if it made it.
        let madeFolder = !FileManager.default.fileExists(atPath: place)
        try makePrivateDirectory(place)
        do {
            try await write(method, to: destination, in: place, now: now)
        } catch {
            if madeFolder { rmdir(place) }
            throw error
        }
        if let keep { try prune(keeping: keep, extensionSuffix: suffix) }
        return destination
    }

    /// Dumps into a private partial file in `folder`, compresses it if the method says so,
    /// syncs it, writes its manifest and renames it to `destination`.
    private func write(_ method: BackupMethod, to destination: String, in folder: String, now: Date) async throws {
        let partial = "\(folder)/.\((destination as NSString).lastPathComponent).partial"
        let uncompressed = partial + ".raw"
        defer {
            try? FileManager.default.removeItem(atPath: partial)
            try? FileManager.default.removeItem(atPath: uncompressed)
        }
        let target = method.compress ? uncompressed : partial
        try createPrivateFile(target)
        do {
            switch method.source {
            case .tool(let tool): try await tool.run(output: target)
            case .copy(let copy): try await copy(target)
            }
            chmod(target, 0o600)
            if method.compress {
                try await ToolInvocation(["gzip"], arguments: ["-c", target]).run(output: partial)
            }
        } catch {
            // Whatever the tool or SQLite said, a full disk is what the user must act on.
            let written = [partial, uncompressed].map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }.reduce(0, +)
            if let free = Self.freeBytes(in: folder), free < Self.fullDiskThreshold {
                throw StrataError(
                    .failure,
                    "Cannot write the backup into \(folder): No space left on device (its file system had \(free / 1024) KiB free after \(written / 1024) KiB of the backup). No backup was written; the partial file is removed.",
                    hint: "Free space there, or point `backups:` in strata.yml (or --output) at a file system with room for more than \(written / 1024) KiB."
                )
            }
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        guard size > 0 else {
            throw StrataError(.failure, "The backup came out empty; no backup was written.", hint: "Check the database connection and the dump tool.")
        }
        try syncFile(partial)
        try BackupManifest.describing(partial, source: identity, takenAt: now).write(to: BackupManifest.path(for: destination))
        guard rename(partial, destination) == 0 else {
            try? FileManager.default.removeItem(atPath: BackupManifest.path(for: destination))
            throw StrataError(.failure, "Cannot move the backup to \(destination): \(String(cString: strerror(errno))).")
        }
    }

    /// Below this many free bytes, a failed backup is put down to a full disk.
    static let fullDiskThreshold = 1 << 20

    /// The bytes an unprivileged writer may still use on the file system holding `path`.
    static func freeBytes(in path: String) -> Int? {
        var facts = statvfs()
        guard statvfs(path, &facts) == 0 else { return nil }
        return Int(facts.f_bavail) * Int(facts.f_frsize)
    }

    /// What a restore did.
    public struct RestoreOutcome: Sendable {
        /// What the file was found to hold.
        public var contents: BackupContents
        /// Whether the file had a manifest that was checked.
        public var hadManifest: Bool
        /// The safety copy of the database as it was before, or `nil` when there was none.
        public var safetyCopy: String?
    }

    /// Restores `file` into the manager's database with `method`. Nothing is touched until
    /// the file passed every check: its manifest when it has one (size, SHA-256, engine,
    /// environment and database), its format (``RestoreMethod/inspect``), and gzip's own
    /// check for a `.gz` file. Then the database, if it exists, is backed up with
    /// `safetyCopy` into `before-restore-ENV-….EXT` in the backups directory, and replaced.
    ///
    /// - Parameters:
    ///   - file: the backup file to restore.
    ///   - method: how the engine restores it.
    ///   - safetyCopy: how to back up the database before it is replaced.
    ///   - allowOtherDatabase: restore a backup of another environment or database.
    ///   - now: the time in the safety copy's name.
    ///   - confirm: asked once the file passed every check and before anything is
    ///     touched, with what the file holds; it throws to stop the restore.
    /// - Throws: ``StrataError``: configuration (exit 2) when the file is refused, with the
    ///   database untouched; failure when the safety copy or the replacement fails.
    public func restore(_ file: String, method: RestoreMethod, safetyCopy: @Sendable () throws -> BackupMethod,
                        allowOtherDatabase: Bool = false, now: Date = Date(),
                        confirm: (BackupContents) throws -> Void = { _ in }) async throws -> RestoreOutcome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: file) else {
            throw StrataError(.configuration, "Backup \(file) \(isDirectory.boolValue ? "is a directory" : "does not exist or cannot be read"); nothing was restored.",
                              hint: "Name a backup file, e.g. the newest one in \(directory).")
        }
        let manifest = try BackupManifest.read(besides: file)
        try manifest?.check(file, restoringInto: identity, allowOtherDatabase: allowOtherDatabase)

        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("strata-restore-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StrataError(.failure, "Cannot create a temporary directory to restore in (\(workspace)): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let payload = try await uncompressed(file, into: workspace + "/payload")
        let contents = try await method.inspect(payload, file)
        if manifest == nil, !allowOtherDatabase, let database = contents.database, database != identity.database,
           database != identity.database.split(separator: "?").first.map(String.init) {
            throw StrataError(.configuration, "\(file) is a \(contents.format) of database \(database), not of \(identity.database). Nothing was restored.",
                              hint: "Pass --allow-other-database to restore it into \(identity.database) all the same.")
        }

        try confirm(contents)

        var kept: String?
        if try await method.databaseExists() {
            do {
                kept = try await write(try safetyCopy(), prefix: "before-restore", now: now)
            } catch let error as StrataError {
                throw StrataError(error.code, "The safety copy of the database could not be taken, so nothing was restored: \(error.message)",
                                  hint: error.hint, underlying: error.underlying)
            }
        }
        do {
            try await method.replace(payload)
        } catch let error as StrataError {
            let back = kept.map { " The database as it was is kept in \($0)." } ?? ""
            throw StrataError(error.code, "Restoring \(file) failed: \(error.message)\n\(method.guarantee)\(back)", hint: error.hint, underlying: error.underlying)
        }
        return RestoreOutcome(contents: contents, hadManifest: manifest != nil, safetyCopy: kept)
    }

    /// A private copy of the file at `destination` — uncompressed when it starts with gzip's
    /// magic number, and refused unless gzip finds it whole — so that what was checked is what
    /// is restored, and the user's file is never opened for writing.
    private func uncompressed(_ file: String, into destination: String) async throws -> String {
        guard RestoreMethod.leadingBytes(of: file, count: 2) == Data([0x1F, 0x8B]) else {
            if file.hasSuffix(".gz") {
                throw StrataError(.configuration, "\(file) is not a gzip file, though its name ends in .gz; nothing was restored.",
                                  hint: "Check that it is the backup you meant; `file \(file)` says what it is.")
            }
            do {
                try FileManager.default.copyItem(atPath: file, toPath: destination)
            } catch {
                throw StrataError(.failure, "Cannot copy \(file) to restore from it: \(error.localizedDescription)")
            }
            return destination
        }
        try createPrivateFile(destination)
        do {
            try await ToolInvocation(["gzip"], arguments: ["-dc", file]).run(output: destination)
        } catch let error as StrataError {
            throw StrataError(.configuration, "\(file) is not a complete gzip file (\(error.message)); nothing was restored.",
                              hint: "The backup is truncated or damaged: restore another one.")
        }
        return destination
    }

    /// The environment's backups in the directory, newest first.
    public func backups() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("backup-\(environment)-") && !$0.hasSuffix(".manifest.json") }
            .sorted(by: >).map { "\(directory)/\($0)" }
    }

    private func prune(keeping keep: Int, extensionSuffix: String) throws {
        for old in backups().filter({ $0.hasSuffix(extensionSuffix) }).dropFirst(max(keep, 1)) {
            try FileManager.default.removeItem(atPath: old)
            try? FileManager.default.removeItem(atPath: BackupManifest.path(for: old))
        }
    }

    private func makePrivateDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StrataError(.failure, "Cannot create the backups directory \(path): \(error.localizedDescription)")
        }
        if path == directory { chmod(path, 0o700) }
    }

    private func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StrataError(.failure, "Cannot create \(path): \(String(cString: strerror(errno))).")
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
    }

    private func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// `20250519T123045.123Z`: sortable, unique to the millisecond.
    static func timestamp(_ date: Date) -> String {
        let digits = MigrationVersion(date: date).digits
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return "\(digits.prefix(8))T\(digits.suffix(6)).\(String(format: "%03d", milliseconds))Z"
    }
}
