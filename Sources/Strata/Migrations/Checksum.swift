import Crypto
import Foundation

/// The SHA-256 checksum of a migration's source, as 64 lowercase hex digits.
///
/// Stored in the history when a migration is applied, and compared on every run to
/// find applied migrations whose file changed since.
public enum Checksum {
    /// The SHA-256 of `data` in lowercase hex.
    public static func sha256(_ data: some DataProtocol) -> String {
        lowercaseHex(SHA256.hash(data: data))
    }

    /// The SHA-256 of the UTF-8 bytes of `text` in lowercase hex.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// The size and SHA-256 of the file at `path`, read a megabyte at a time.
    ///
    /// - Throws: ``StrataError`` when the file cannot be read.
    public static func sha256(fileAt path: String) throws -> (bytes: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StrataError(.failure, "Cannot read \(path) to checksum it.")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw StrataError(.failure, "Cannot read \(path) to checksum it: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            bytes += chunk.count
            hash.update(data: chunk)
        }
        return (bytes, lowercaseHex(hash.finalize()))
    }

    /// `digest` in lowercase hex, written straight into the string's storage: every run
    /// checksums every migration file.
    private static func lowercaseHex(_ digest: some Digest) -> String {
        digest.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                for (index, byte) in bytes.enumerated() {
                    text[2 * index] = hexDigit(byte >> 4)
                    text[2 * index + 1] = hexDigit(byte & 0x0F)
                }
                return bytes.count * 2
            }
        }
    }

    /// The lowercase hex digit for `value`, 0 to 15.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
