import Foundation
import Synchronization
import Strata

/// Takes a backup before migrating, and remembers where it went (for `deploy`'s messages).
final class BackupHook: Sendable {
    private let context: CommandContext?
    private let announce: Bool
    private let taken = Mutex<String?>(nil)

    init(context: CommandContext?, announce: Bool) {
        self.context = context
        self.announce = announce
    }

    /// The backup's path, once taken.
    var path: String? { taken.withLock { $0 } }

    /// The hook to hand to ``Migrator/migrate(_:beforeApplying:progress:)``; `nil` when disabled.
    var run: (@Sendable ([LoadedMigration]) async throws -> Void)? {
        guard let context else { return nil }
        return { [self] plan in
            let path: String
            do {
                path = try await context.backup()
            } catch let error as StrataError {
                throw StrataError(error.code, "Backup before migrating failed: \(error.message)",
                                  hint: "Nothing was migrated. \(error.hint ?? "")", underlying: error.underlying)
            }
            taken.withLock { $0 = path }
            if announce { Console.print("Backed up to \(path) before applying \(migrationCount(plan.count)).") }
        }
    }
}
