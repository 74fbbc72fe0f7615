import FuzzSupport
import Strata

/// `${VAR}` interpolation in configuration values.
///
/// Properties, beyond not crashing:
/// - nothing is expanded inside `$${`: any text with each `${` written `$${` expands to
///   itself, even where every name it mentions is set;
/// - text without `${` is left as it is;
/// - a refusal names the reference or the variable that is wrong.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInterpolation(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let text = input.text
    // Variables for names the text may use, set or empty as the selector says.
    var variables: [String: String] = ["A": "alpha", "B": "", "DATABASE_URL": "postgres://h/db"]
    if input.selector & 1 != 0 { variables["X"] = "${A}" }
    if input.selector & 2 != 0 { variables["Y_1"] = "$${B}" }
    let interpolation = VariableInterpolation(variables: variables)

    // Each `${` written `$${`, byte by byte (a combining mark after `{` changes nothing).
    var escapedBytes: [UInt8] = []
    for (offset, byte) in input.body.enumerated() {
        if byte == UInt8(ascii: "$"), offset + 1 < input.body.count, input.body[offset + 1] == UInt8(ascii: "{") {
            escapedBytes.append(byte)
        }
        escapedBytes.append(byte)
    }
    let escaped = String(decoding: escapedBytes, as: UTF8.self)
    do {
        let expanded = try interpolation.expand(escaped)
        guard expanded == text else {
            propertyFailed("nothing is expanded inside $${", "text: \(text.debugDescription)\nescaped: \(escaped.debugDescription)\nexpanded: \(expanded.debugDescription)")
        }
    } catch {
        propertyFailed("escaped text always expands", "\(error)\ntext: \(text.debugDescription)")
    }

    if !input.body.contains(UInt8(ascii: "$")) {
        guard (try? interpolation.expand(text)) == text else {
            propertyFailed("text without ${ is kept as it is", text.debugDescription)
        }
    }

    do {
        _ = try interpolation.expand(text)
    } catch {
        switch error {
        case .missingVariable(let name):
            guard !name.isEmpty, variables[name] == nil, occurrences(of: "${\(name)", in: text) > 0 else {
                propertyFailed("a missing variable is one the text names", "name \(name.debugDescription)\ntext: \(text.debugDescription)")
            }
        case .malformed(let message):
            guard occurrences(of: "${", in: message) > 0 else {
                propertyFailed("a malformed reference is quoted", "\(message)\ntext: \(text.debugDescription)")
            }
        }
    }
    return 0
}
