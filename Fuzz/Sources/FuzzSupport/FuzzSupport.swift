import Foundation
import Strata

extension SQLSyntax {
    /// The syntax whose rules are the low seven bits of `flags`, one rule a bit, in the
    /// order of ``SQLSyntax``'s properties. The 128 values cover every dialect's syntax:
    /// SQLite is 0x60, PostgreSQL 0x0B, MySQL 0x34 (the seeds in Fuzz/Corpus use them).
    public init(fuzzFlags flags: UInt8) {
        self.init(
            dollarQuotedStrings: flags & 0x01 != 0,
            nestedBlockComments: flags & 0x02 != 0,
            backslashEscapesInStrings: flags & 0x04 != 0,
            escapeStringPrefix: flags & 0x08 != 0,
            hashLineComments: flags & 0x10 != 0,
            backtickQuotedIdentifiers: flags & 0x20 != 0,
            bracketQuotedIdentifiers: flags & 0x40 != 0
        )
    }
}

/// One libFuzzer input: its first byte chooses options (such as a syntax), the rest is text.
public struct FuzzInput {
    /// The first byte, or 0 for an empty input.
    public let selector: UInt8
    /// The bytes after the first.
    public let body: [UInt8]

    /// Reads the input libFuzzer passes to `LLVMFuzzerTestOneInput`.
    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        guard let start, count > 0 else {
            selector = 0
            body = []
            return
        }
        let bytes = UnsafeBufferPointer(start: start, count: count)
        selector = bytes[0]
        body = Array(bytes.dropFirst())
    }

    /// The body as text; bytes that are not UTF-8 become U+FFFD, as `String(decoding:)` does.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Stops the fuzzer with a report: a property that must hold for every input did not.
/// libFuzzer reports the abort as a crash and saves the input that caused it.
public func propertyFailed(_ property: String, _ details: @autoclosure () -> String) -> Never {
    FileHandle.standardError.write(Data("\nPROPERTY FAILED: \(property)\n\(details())\n".utf8))
    abort()
}

/// How many times `needle` occurs in `text`, overlaps included — byte by byte: Foundation's
/// `contains` stops at a NUL character, which made a password of `)` and NULs look found in
/// a message that merely had a `)`.
public func occurrences(of needle: some StringProtocol, in text: some StringProtocol) -> Int {
    let haystack = Array(text.utf8)
    let pattern = Array(needle.utf8)
    guard !pattern.isEmpty, pattern.count <= haystack.count else { return 0 }
    return (0...(haystack.count - pattern.count)).filter { haystack[$0..<($0 + pattern.count)].elementsEqual(pattern) }.count
}
