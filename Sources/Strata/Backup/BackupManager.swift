#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes and restores backups safely: in a 0700 directory, as 0600 files named
/// `backup-ENV-YYYYMMDDTHHMMSS.mmmZ.EXT[.gz]`, written under a temporary name and renamed only
/// once the dump tool exited 0 and the file is complete — so a failed backup leaves no file
/// that looks like a backup.
public struct BackupManager: Sendable {
    /// The backups directory.
    public let directory: String
    /// The environment's name, part of every file name.
    public let environment: String

    /// Creates a manager.
    public init(directory: String, environment: String) {
        self.directory = directory
        self.environment = environment
    }

    /// Backs up with `method` into `output` (a path) or a new file in the directory, keeps
    /// only the newest `keep` backups of the environment, and returns the file's path.
    public func backup(_ method: BackupMethod, output: String? = nil, keep: Int? = nil, now: Date = Date()) async throws -> String {
        let suffix = ".\(method.fileExtension)\(method.compress ? ".gz" : "")"
        var moment = now
        var destination = output ?? "\(directory)/backup-\(environment)-\(Self.timestamp(moment))\(suffix)"
        // Never overwrite an earlier backup taken within the same millisecond.
        while output == nil, FileManager.default.fileExists(atPath: destination) {
            moment = moment.addingTimeInterval(0.001)
            destination = "\(directory)/backup-\(environment)-\(Self.timestamp(moment))\(suffix)"
        }
        let folder = (destination as NSString).deletingLastPathComponent
        try makePrivateDirectory(folder.isEmpty ? "." : folder)
        let partial = "\(folder.isEmpty ? "." : folder)/.\((destination as NSString).lastPathComponent).partial"
        let uncompressed = partial + ".raw"
        defer {
            try? FileManager.default.removeItem(atPath: partial)
            try? FileManager.default.removeItem(atPath: uncompressed)
        }
        let target = method.compress ? uncompressed : partial
        try createPrivateFile(target)
        switch method.source {
        case .tool(let tool): try await tool.run(output: target)
        case .copy(let copy): try await copy(target)
        }
        chmod(target, 0o600)
        if method.compress {
            try await ToolInvocation(["gzip"], arguments: ["-c", target]).run(output: partial)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        guard size > 0 else {
            throw StrataError(.failure, "The backup came out empty; no backup was written.", hint: "Check the database connection and the dump tool.")
        }
        try syncFile(partial)
        guard rename(partial, destination) == 0 else {
            throw StrataError(.failure, "Cannot move the backup to \(destination): \(String(cString: strerror(errno))).")
        }
        if let keep { try prune(keeping: keep, extensionSuffix: suffix) }
        return destination
    }

    /// Restores `file` with `method`, uncompressing it first if it ends in `.gz`.
    public func restore(_ file: String, method: RestoreMethod) async throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw StrataError(.configuration, "Backup \(file) does not exist or cannot be read.")
        }
        var source = file
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("strata-restore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        if file.hasSuffix(".gz") {
            try createPrivateFile(temporary)
            try await ToolInvocation(["gzip"], arguments: ["-dc", file]).run(output: temporary)
            source = temporary
        }
        switch method {
        case .tool(let tool): try await tool.run(input: source)
        case .copy(let copy): try await copy(source)
        }
    }

    /// The environment's backups in the directory, newest first.
    public func backups() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("backup-\(environment)-") }.sorted(by: >).map { "\(directory)/\($0)" }
    }

    private func prune(keeping keep: Int, extensionSuffix: String) throws {
        for old in backups().filter({ $0.hasSuffix(extensionSuffix) }).dropFirst(max(keep, 1)) {
            try FileManager.default.removeItem(atPath: old)
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
