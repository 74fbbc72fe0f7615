import FuzzSupport
import Strata

/// The SQL migration file parser — `-- migrate:up` / `-- migrate:down` sections, their
/// `transaction:` options, `strata:skip-if` guards — under every syntax (the input's first
/// byte chooses the rules).
///
/// Properties, beyond not crashing:
/// - a file that does not parse is refused with a ``StrataError`` naming the file (the
///   message users see), never another error;
/// - a file that parses has each section's statements on lines after its marker, in order,
///   and parsing it again gives the same sections.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMigrationParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let parser = SQLMigrationParser(syntax: SQLSyntax(fuzzFlags: input.selector))
    let fileName = "20261205120000_fuzz.sql"
    let text = input.text
    let sections: SQLMigrationParser.Sections
    do {
        sections = try parser.parse(text, fileName: fileName)
    } catch let error as StrataError {
        guard occurrences(of: fileName, in: error.description) > 0 else {
            propertyFailed("a refusal names the file", "\(error)")
        }
        return 0
    } catch {
        propertyFailed("a refusal is a StrataError", "\(type(of: error)): \(error)")
    }
    for body in [sections.up] + (sections.down.map { [$0] } ?? []) {
        let lines = body.statements.map(\.line)
        guard lines == lines.sorted(), lines.allSatisfy({ $0 >= 2 }) else {
            propertyFailed("statements follow their section's marker, in order", "lines \(lines)\ntext: \(text.debugDescription)")
        }
    }
    guard let again = try? parser.parse(text, fileName: fileName), again == sections else {
        propertyFailed("parsing is deterministic", text.debugDescription)
    }
    return 0
}
