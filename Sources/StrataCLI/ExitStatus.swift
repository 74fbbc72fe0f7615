import Strata

/// Strata's documented exit statuses.
enum ExitStatus {
    /// Everything went well.
    static let success: Int32 = 0
    /// Something failed while running (SQL, connection, file system).
    static let failure: Int32 = 1
    /// The command line or the configuration is wrong; nothing was done.
    static let usage: Int32 = 2
    /// `status --exit-code`, or an application's start-up check: migrations are pending.
    static let pending: Int32 = 3
    /// Another run held the migration lock past the lock timeout.
    static let lockTimeout: Int32 = 4
    /// Refused: an applied migration changed, is missing or is dirty, or one to undo is irreversible.
    static let refused: Int32 = 5

    static func status(for code: StrataError.Code) -> Int32 {
        switch code {
        case .configuration: usage
        case .pending: pending
        case .lockTimeout: lockTimeout
        case .refused: refused
        default: failure
        }
    }
}
