import Crypto
import Foundation

/// The SHA-256 checksum of a migration's source, as 64 lowercase hex digits.
///
/// Stored in the history when a migration is applied, and compared on every run to
/// find applied migrations whose file changed since.
public enum Checksum {
    /// The SHA-256 of `data` in lowercase hex.
    public static func sha256(_ data: some DataProtocol) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The SHA-256 of the UTF-8 bytes of `text` in lowercase hex.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
