/// Whether and how a connection to a database server uses TLS (`tls:` in `strata.yml`, or
/// `sslmode=` in a URL).
public enum TLSMode: String, Sendable, Hashable, CaseIterable {
    /// No TLS.
    case disable
    /// TLS, without verifying the server's certificate: encrypted, but open to a
    /// man-in-the-middle. Strata logs a warning when it is used.
    case require
    /// TLS, verifying the certificate chain and that it names the host.
    case verifyFull = "verify-full"

    /// Parses `disable`, `require` or `verify-full`.
    public init?(text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// The accepted values, for messages.
    public static let accepted = allCases.map(\.rawValue).joined(separator: ", ")
}
