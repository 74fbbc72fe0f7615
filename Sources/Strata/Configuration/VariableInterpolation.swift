import Foundation

/// Expands `${VAR}` and `${VAR:-default}` in configuration values, as a shell would.
///
/// `${VAR:-default}` uses the default when the variable is unset or empty. `$${` writes a
/// literal `${`; a `$` not followed by `{` is kept as it is, so passwords such as
/// `pa$$word` need no escaping.
public struct VariableInterpolation: Sendable {
    /// Why a value could not be expanded.
    public enum Failure: Error, Sendable, Equatable {
        /// `${NAME}` names a variable that is not set and has no default.
        case missingVariable(String)
        /// A `${` with no closing `}`, or a name that is not a valid variable name.
        case malformed(String)
    }

    /// The variables to read, usually the process environment.
    public let variables: [String: String]

    /// Creates an interpolation over `variables`.
    public init(variables: [String: String]) {
        self.variables = variables
    }

    /// `text` with every `${…}` replaced.
    ///
    /// Read byte by byte, as a shell reads it: `$${` is a literal `${` whatever follows it,
    /// even a combining mark that Swift would join to the `{` in one `Character`.
    public func expand(_ text: String) throws(Failure) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(Self.dollar) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == Self.dollar else {
                result.append(bytes[index])
                index += 1
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : nil
            if next == Self.dollar, index + 2 < bytes.count, bytes[index + 2] == Self.openBrace {
                result += [Self.dollar, Self.openBrace]
                index += 3
                continue
            }
            guard next == Self.openBrace else {
                result.append(Self.dollar)
                index += 1
                continue
            }
            guard let close = bytes[(index + 2)...].firstIndex(of: Self.closeBrace) else {
                throw .malformed("`${` without a closing `}` in \"\(text)\"")
            }
            result += try value(of: bytes[(index + 2)..<close]).utf8
            index = close + 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static let dollar = UInt8(ascii: "$")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    /// The value of the reference between `${` and `}`: `NAME` or `NAME:-default`.
    private func value(of expression: ArraySlice<UInt8>) throws(Failure) -> String {
        var name = expression
        var fallback: ArraySlice<UInt8>?
        if let colon = expression.indices.first(where: { expression[$0] == UInt8(ascii: ":") && $0 + 1 < expression.endIndex && expression[$0 + 1] == UInt8(ascii: "-") }) {
            name = expression[..<colon]
            fallback = expression[(colon + 2)...]
        }
        guard Self.isValidName(name) else {
            throw .malformed("\"${\(String(decoding: expression, as: UTF8.self))}\" is not a valid variable reference (use ${NAME} or ${NAME:-default})")
        }
        let key = String(decoding: name, as: UTF8.self)
        if let fallback {
            if let value = variables[key], !value.isEmpty { return value }
            return String(decoding: fallback, as: UTF8.self)
        }
        guard let value = variables[key] else { throw .missingVariable(key) }
        return value
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, as a shell's variable names.
    private static func isValidName(_ name: ArraySlice<UInt8>) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
        }
        guard let first = name.first, isLetter(first) else { return false }
        return name.allSatisfy { isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}
