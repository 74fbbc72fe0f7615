/// SQL for ``Schema/execute(_:file:line:)``, with values bound and identifiers quoted for
/// whichever dialect runs it:
///
/// ```swift
/// try await schema.execute("UPDATE \(identifier: "users") SET status = \(bind: "active") WHERE status IS NULL")
/// ```
public struct SQLText: Sendable, Hashable, Codable, ExpressibleByStringInterpolation {
    /// One piece of the text.
    public enum Part: Sendable, Hashable, Codable {
        /// SQL written as is.
        case sql(String)
        /// A value, sent as a bind parameter.
        case bind(DatabaseValue)
        /// A name, quoted for the dialect.
        case identifier(String)
    }

    /// The pieces, in order.
    public var parts: [Part]

    /// SQL with no binds.
    public init(stringLiteral value: String) { parts = [.sql(value)] }

    /// SQL built by interpolation.
    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    /// The interpolation that builds ``SQLText``.
    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        /// Creates an empty interpolation.
        public init(literalCapacity: Int, interpolationCount: Int) {}
        /// Literal SQL.
        public mutating func appendLiteral(_ literal: String) { parts.append(.sql(literal)) }
        /// A text value, bound.
        public mutating func appendInterpolation(bind value: String) { parts.append(.bind(.text(value))) }
        /// An integer value, bound.
        public mutating func appendInterpolation(bind value: Int) { parts.append(.bind(.integer(Int64(value)))) }
        /// A floating-point value, bound.
        public mutating func appendInterpolation(bind value: Double) { parts.append(.bind(.double(value))) }
        /// Any value, bound.
        public mutating func appendInterpolation(bind value: DatabaseValue) { parts.append(.bind(value)) }
        /// A table or column name, quoted for the dialect.
        public mutating func appendInterpolation(identifier name: String) { parts.append(.identifier(name)) }
        /// SQL inserted as is.
        public mutating func appendInterpolation(unsafeRaw sql: String) { parts.append(.sql(sql)) }
    }

    /// The SQL text for `dialect`, with its placeholders, and the values to bind.
    public func rendered(for dialect: any SQLDialect) -> (text: String, binds: [DatabaseValue]) {
        var text = ""
        var binds: [DatabaseValue] = []
        for part in parts {
            switch part {
            case .sql(let sql): text += sql
            case .identifier(let name): text += dialect.quoteIdentifier(name)
            case .bind(let value):
                binds.append(value)
                text += dialect.bindPlaceholder(at: binds.count)
            }
        }
        return (text, binds)
    }
}
