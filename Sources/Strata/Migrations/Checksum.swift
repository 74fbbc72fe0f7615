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
        let digits = Array("0123456789abcdef".utf8)
        let hex = hash.finalize().flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }
        return (bytes, String(decoding: hex, as: UTF8.self))
    }
}
