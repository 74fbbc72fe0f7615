import Foundation

/// Where the commands write: results and progress to standard output, errors and
/// warnings to standard error.
enum Console {
    /// Writes a line to standard output.
    static func print(_ line: String) {
        LiveStatementLine.shared.erase()
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// Writes `bytes` (text, already UTF-8, with its own line ends) to standard output.
    static func write(_ bytes: [UInt8]) {
        LiveStatementLine.shared.erase()
        bytes.withUnsafeBufferPointer { write($0, to: STDOUT_FILENO) }
    }

    /// Writes a line to standard error; a statement's live line ends with it.
    static func error(_ line: String) {
        LiveStatementLine.shared.end()
        write(line + "\n", to: STDERR_FILENO)
    }

    /// Writes `text` to standard output as it is: no line end, the live line left alone.
    static func writeRaw(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Writes all of `text` with `write(2)`: no buffer to flush before exiting, and no
    /// `Data` copy of a status table of a thousand lines.
    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { write($0, to: descriptor) }
    }

    private static func write(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return  // A closed pipe: there is no one left to tell.
            }
            offset += written
        }
    }

    /// Asks a yes/no question on standard error; `false` without a terminal or on any answer but yes.
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return false }
        FileHandle.standardError.write(Data(question.utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
    }

    /// Writes `value` as JSON on one line to standard output, keys sorted.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
