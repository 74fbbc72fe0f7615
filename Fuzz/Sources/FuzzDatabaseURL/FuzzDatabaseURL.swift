import FuzzSupport
import Strata

/// Database URL parsing: `sqlite:PATH`, `postgres://…`, `mysql://…`, host lists, IPv6
/// brackets, ports, `sslmode` and `schema`.
///
/// Properties, beyond not crashing:
/// - what a URL's settings print (``ConnectionSettings/redactedDescription``, used in every
///   message and log) does not depend on the password;
/// - a refusal never contains the URL's password (when the URL has one that appears
///   nowhere else in it, in any case).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDatabaseURL(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    // Most inputs should reach past the scheme: the selector picks one unless it is 0.
    let schemes = ["", "postgres://", "mysql://", "sqlite:", "postgresql://app:", "mariadb://root:"]
    let text = schemes[Int(input.selector) % schemes.count] + input.text
    do {
        let settings = try DatabaseURL.parse(text)
        var other = settings
        other.password = settings.password.map { $0 + "-other" }
        guard settings.redactedDescription == other.redactedDescription else {
            propertyFailed("the printed URL does not depend on the password", "\(settings.redactedDescription)\ntext: \(text.debugDescription)")
        }
    } catch {
        // Compared without case: a message may lowercase what it quotes (the scheme), and a
        // password that matches another part of the URL so is not the password leaking. Nor is
        // one the message says whatever the password is (`sche` in "the scheme …"): the same
        // URL with the password written otherwise must not say it.
        if let written = passwordWritten(in: text), written.count >= 4 {
            let password = written.lowercased()
            var other = text
            other.replaceSubrange(written.startIndex..<written.endIndex, with: String(repeating: password.hasPrefix("q") ? "x" : "q", count: written.count))
            let otherReason: String
            do {
                _ = try DatabaseURL.parse(other)
                otherReason = ""
            } catch {
                otherReason = error.reason.lowercased()
            }
            if occurrences(of: password, in: text.lowercased()) == 1, occurrences(of: password, in: error.reason.lowercased()) > 0,
               occurrences(of: password, in: otherReason) == 0 {
                propertyFailed("a refusal never contains the password", "\(error.reason)\ntext: \(text.debugDescription)")
            }
        }
    }
    return 0
}

/// The password as written between `user:` and the last `@` of a network URL's authority.
func passwordWritten(in text: String) -> Substring? {
    guard let start = text.range(of: "://")?.upperBound else { return nil }
    let authority = text[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    guard let at = authority.lastIndex(of: "@") else { return nil }
    let userInfo = authority[..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return nil }
    return userInfo[userInfo.index(after: colon)...]
}
