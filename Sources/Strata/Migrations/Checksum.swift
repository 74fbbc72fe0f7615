import Crypto
import Foundation

/// The SHA-256 checksum of a migration's source, as 64 lowercase hex digits.
///
/// Stored in the history when a migration is applied, and compared on every run to
/// find applied migrations whose file changed since.
public enum Checksum {
    /// The SHA-256 of `data` in lowercase hex.
    public static func sha256(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The SHA-256 of the UTF-8 bytes of `text` in lowercase hex.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
