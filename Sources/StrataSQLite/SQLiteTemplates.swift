import Foundation
import Logging
import Strata

extension SQLiteDriver {
    /// A template is a copy of the database file beside it, `.NAME.strata-template-FINGERPRINT` (its first 16 digits)
    /// (hidden); cloning copies it to a temporary name and renames it into place, so the
    /// database appears whole or not at all. An in-memory database has none.
    public func databaseTemplates(_ settings: ConnectionSettings, logger: Logger) -> DatabaseTemplates? {
        guard let storage = settings.storage, !storage.isEmpty, storage != ":memory:" else { return nil }
        let folder = (storage as NSString).deletingLastPathComponent
        let prefix = "." + (storage as NSString).lastPathComponent + ".strata-template-"
        let path = { @Sendable (fingerprint: String) in (folder.isEmpty ? "" : folder + "/") + prefix + fingerprint.prefix(16) }
        // This database's templates: the prefix and 16 digits (no `.partial`), but `keeping`.
        let removeTemplates = { @Sendable (keeping: String?) -> [String] in
            let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
            return siblings.filter { $0.hasPrefix(prefix) && $0.utf8.count == prefix.utf8.count + 16 && $0 != keeping }.compactMap { sibling in
                let location = (folder.isEmpty ? "" : folder + "/") + sibling
                return (try? FileManager.default.removeItem(atPath: location)).map { location }
            }
        }
        return DatabaseTemplates(
            location: path,
            exists: { FileManager.default.fileExists(atPath: path($0)) },
            save: { fingerprint in
                try Self.copy(storage, to: path(fingerprint))
                _ = removeTemplates(prefix + fingerprint.prefix(16))
            },
            clone: { fingerprint in try Self.copy(path(fingerprint), to: storage) },
            removeAll: { removeTemplates(nil) }
        )
    }

    /// Copies `source` to `destination` through a temporary file and a rename.
    private static func copy(_ source: String, to destination: String) throws {
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: partial)
            guard rename(partial, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StrataError(.failure, "Cannot copy \(source) to \(destination): \(error.localizedDescription)",
                              hint: "Check the directory's permissions and free space, or run `strata db reset --no-template`.")
        }
    }
}
