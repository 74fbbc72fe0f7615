/// The one error type Strata's commands report.
///
/// Every error names what went wrong and where (a file and line, a migration, an
/// environment variable, a configuration key) and, through ``hint``, what to do next.
/// The ``code`` groups errors by how a caller should react; the command-line tool maps
/// it to an exit status.
public struct StrataError: Error, Sendable, CustomStringConvertible {
    /// How a caller should react to an error; the command-line tool maps it to an exit status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case failure, configuration, pending, lockTimeout, refused
        }
        private let base: Base

        /// Something failed while running: SQL, the connection, the file system. Exit status 1.
        public static let failure = Code(base: .failure)
        /// The command line or the configuration is wrong; nothing was done. Exit status 2.
        public static let configuration = Code(base: .configuration)
        /// The database is behind its migrations: some are pending, or one is dirty or being
        /// applied by another run (an application's start-up check). Exit status 3.
        public static let pending = Code(base: .pending)
        /// Another run held the migration lock for longer than the lock timeout. Exit status 4.
        public static let lockTimeout = Code(base: .lockTimeout)
        /// Refused because an applied migration changed, is missing, or is irreversible. Exit status 5.
        public static let refused = Code(base: .refused)

        /// The code's name, e.g. `refused`.
        public var description: String { base.rawValue }
    }

    /// How a caller should react.
    public let code: Code
    /// What went wrong, naming the file, line, migration or variable concerned.
    public let message: String
    /// What to do next, when there is something useful to say.
    public let hint: String?
    /// The error that caused this one, if any (a database error, a file system error).
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, hint: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.underlying = underlying
    }

    /// The message followed by the hint, as printed to a person.
    public var description: String {
        guard let hint else { return message }
        return "\(message)\n\(hint)"
    }
}

extension StrataError {
    /// A configuration or usage error (exit status 2).
    public static func configuration(_ message: String, hint: String? = nil) -> StrataError {
        StrataError(.configuration, message, hint: hint)
    }

    /// A run-time failure (exit status 1).
    public static func failure(_ message: String, hint: String? = nil, underlying: (any Error & Sendable)? = nil) -> StrataError {
        StrataError(.failure, message, hint: hint, underlying: underlying)
    }
}
