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
    public func expand(_ text: String) throws(Failure) -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                result += "${"
                rest = afterDollar.dropFirst(2)
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                result += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                throw .malformed("`${` without a closing `}` in \"\(text)\"")
            }
            let expression = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            result += try value(of: expression, in: text)
            rest = afterDollar[afterDollar.index(after: close)...]
        }
        return result + rest
    }

    private func value(of expression: Substring, in text: String) throws(Failure) -> String {
        let name: Substring
        let fallback: Substring?
        if let separator = expression.range(of: ":-") {
            name = expression[..<separator.lowerBound]
            fallback = expression[separator.upperBound...]
        } else {
            name = expression
            fallback = nil
        }
        guard Self.isValidName(name) else {
            throw .malformed("\"${\(expression)}\" is not a valid variable reference (use ${NAME} or ${NAME:-default})")
        }
        if let fallback {
            if let value = variables[String(name)], !value.isEmpty { return value }
            return String(fallback)
        }
        guard let value = variables[String(name)] else { throw .missingVariable(String(name)) }
        return value
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
