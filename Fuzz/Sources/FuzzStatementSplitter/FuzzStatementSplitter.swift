import FuzzSupport
import Strata

/// The statement splitter under every syntax (the input's first byte chooses the rules).
///
/// Properties, beyond not crashing:
/// - every statement is a piece of the script, in order, without overlap, and starts on a
///   line of the script;
/// - the statements joined back into a script (each with its `strata:skip-if` guard, ended
///   by `;` on a line of its own) split into the same statements.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatementSplitter(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let splitter = StatementSplitter(syntax: SQLSyntax(fuzzFlags: input.selector))
    let script = input.text
    guard let statements = try? splitter.split(script, firstLine: 1) else { return 0 }

    let scriptBytes = Array(script.utf8)
    let lineCount = scriptBytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    var searchFrom = 0
    var previousLine = 1
    for statement in statements {
        let text = Array(statement.text.utf8)
        guard let found = firstOccurrence(of: text, in: scriptBytes, from: searchFrom) else {
            propertyFailed("a statement is a piece of the script, in order", "statement: \(statement.text.debugDescription)\nscript: \(script.debugDescription)")
        }
        searchFrom = found + text.count
        guard statement.line >= previousLine, statement.line <= lineCount else {
            propertyFailed("statements start on increasing lines of the script", "line \(statement.line) after \(previousLine) of \(lineCount)\nscript: \(script.debugDescription)")
        }
        previousLine = statement.line
        guard let first = text.first, let last = text.last, !isSpace(first), !isSpace(last) else {
            propertyFailed("a statement is trimmed and not empty", "statement: \(statement.text.debugDescription)")
        }
    }

    var joined = ""
    for statement in statements {
        if let guardQuery = statement.skipIf { joined += "-- strata:skip-if \(guardQuery)\n" }
        joined += statement.text + "\n;\n"
    }
    let again: [SQLStatement]
    do {
        again = try splitter.split(joined, firstLine: 1)
    } catch {
        propertyFailed("the statements joined back split again", "\(error)\nscript: \(script.debugDescription)\njoined: \(joined.debugDescription)")
    }
    let before = statements.map { [$0.text, $0.skipIf ?? "-"] }
    let after = again.map { [$0.text, $0.skipIf ?? "-"] }
    guard before == after else {
        propertyFailed("the statements joined back split into the same statements", "script: \(script.debugDescription)\nfirst: \(before)\nagain: \(after)")
    }
    return 0
}

/// The first offset at or after `start` where `needle` occurs in `haystack`.
func firstOccurrence(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard needle.count <= haystack.count - start else { return nil }
    for offset in start...(haystack.count - needle.count) where haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
        return offset
    }
    return nil
}

/// The white space the splitter trims around statements.
func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
}
