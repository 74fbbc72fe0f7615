import Foundation
import Yams

/// Reads `strata.yml`, strictly: unknown keys, values of the wrong shape and malformed
/// YAML are errors naming the file and line.
///
/// ```yaml
/// migrations: db/migrations
/// seeders: db/seeders
/// backups: backups
/// environments:
///   development:
///     url: sqlite:db/development.sqlite3
///   production:
///     url: ${DATABASE_URL}
/// ```
public enum ConfigurationLoader {
    /// The top-level keys of `strata.yml`.
    public static let topLevelKeys: Set<String> = ["migrations", "seeders", "backups", "environments", "lint"]

    /// Loads the configuration at `path`, or — when `path` is `nil` — `strata.yml` in the
    /// current directory if it exists, else the built-in default.
    ///
    /// - Throws: ``StrataError`` (configuration) when an explicitly given file does not
    ///   exist or any file does not parse.
    public static func load(path: String?) throws -> StrataConfiguration {
        let file = path ?? StrataConfiguration.defaultFileName
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            if path == nil { return .builtInDefault() }
            throw StrataError.configuration(
                "Configuration file \(file) does not exist.",
                hint: "Check the --config path, or run `strata init` to write a strata.yml."
            )
        }
        guard !isDirectory.boolValue else {
            let inside = (file as NSString).appendingPathComponent(StrataConfiguration.defaultFileName)
            throw StrataError.configuration(
                "Configuration file \(file) is a directory, not a file.",
                hint: path == nil
                    ? "Move the directory \(file) away, or pass --config with the path of the configuration file."
                    : "Pass --config the file itself (e.g. \(inside)), or -C \(file) to run as if started in that directory."
            )
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw StrataError.configuration("Cannot read configuration file \(file): \(error.localizedDescription)")
        }
        let directory = (file as NSString).deletingLastPathComponent
        return try parse(text, file: file, rootDirectory: directory.isEmpty ? "." : directory)
    }

    /// Parses configuration text; `file` names it in messages.
    public static func parse(_ text: String, file: String, rootDirectory: String = ".") throws -> StrataConfiguration {
        let root: Node
        do {
            // Strata reads every value as text, so no tag resolution: the default resolver
            // compiles seven regular expressions, about a millisecond of every run.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw StrataError.configuration("\(file) is empty.", hint: "Run `strata init` to write a starting configuration.")
            }
            root = node
        } catch let error as StrataError {
            throw error
        } catch {
            throw yamlError(error, file: file)
        }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, what: "the top level")
        try reader.rejectUnknownKeys(top, allowed: topLevelKeys, what: "the top level")

        var configuration = StrataConfiguration.builtInDefault(rootDirectory: rootDirectory)
        configuration.file = file
        if let node = top["migrations"] { configuration.migrations = try reader.scalar(node.value, key: "migrations") }
        if let node = top["seeders"] { configuration.seeders = try reader.scalar(node.value, key: "seeders") }
        if let node = top["backups"] { configuration.backups = try reader.scalar(node.value, key: "backups") }

        if let node = top["lint"] {
            for (key, entry) in try reader.mapping(node.value, what: "`lint`") {
                configuration.lint[key] = try reader.scalar(entry.value, key: "lint.\(key)")
            }
        }
        guard let environmentsNode = top["environments"] else {
            throw StrataError.configuration(
                "\(file) has no `environments:` section.",
                hint: "Add `environments:` with at least `development:` and its `url:`."
            )
        }
        let environments = try reader.mapping(environmentsNode.value, what: "`environments`")
        guard !environments.isEmpty else {
            throw StrataError.configuration("\(reader.place(environmentsNode.value)): `environments` is empty.", hint: "Add at least one environment, e.g. `development:` with a `url:`.")
        }
        var result: [String: [String: StrataConfiguration.Value]] = [:]
        for (name, entry) in environments {
            let fields = try reader.mapping(entry.value, what: "environment \"\(name)\"")
            try reader.rejectUnknownKeys(fields, allowed: StrataConfiguration.environmentKeys, what: "environment \"\(name)\"")
            var values: [String: StrataConfiguration.Value] = [:]
            for (key, field) in fields {
                if key == "tenants" {
                    configuration.tenants[name] = try reader.tenants(field, environment: name)
                    continue
                }
                values[key] = try reader.scalar(field.value, key: "\(name).\(key)")
            }
            result[name] = values
        }
        configuration.environments = result
        return configuration
    }

    /// The line of the second `key:` in the block mapping whose first `key:` is at `first`:
    /// Yams reports the first occurrence, the user needs the one to remove. `nil` when the
    /// mapping is not written one key a line (a flow mapping `{a: 1, a: 2}`).
    private static func repeatedKeyLine(_ key: String, after first: Yams.Mark, in text: String) -> Int? {
        let indent = first.column - 1
        // Lines as YAML counts them (Yams' marks do): CR, LF, CR LF, NEL, LS and PS each end one.
        let lines = text.split(omittingEmptySubsequences: false) { ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }
        guard indent >= 0, first.line >= 1, first.line <= lines.count else { return nil }
        for index in first.line..<lines.count {
            let line = lines[index]
            let content = line.drop { $0 == " " }
            let depth = line.count - content.count
            if content.isEmpty || content.hasPrefix("#") { continue }
            if depth < indent { return nil }
            guard depth == indent else { continue }
            for spelling in [key, "\"\(key)\"", "'\(key)'"] where content.hasPrefix(spelling) {
                if content.dropFirst(spelling.count).drop(while: { $0 == " " }).hasPrefix(":") { return index + 1 }
            }
        }
        return nil
    }

    private static func yamlError(_ error: any Error, file: String) -> StrataError {
        let hint = "Fix the YAML syntax; nothing was run."
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return .configuration("\(file):\(mark.line): malformed YAML: \(problem).", hint: hint)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let first = context.mark
            let key = duplicates.first ?? ""
            let line = repeatedKeyLine(key, after: first, in: context.text) ?? first.line
            let earlier = line == first.line ? "" : " (first given on line \(first.line))"
            return .configuration(
                "\(file):\(line): duplicate key `\(duplicates.joined(separator: "`, `"))`\(earlier).",
                hint: "Give each key once; remove or rename the repeated one. Nothing was run."
            )
        default:
            return .configuration("\(file): malformed YAML: \(error).", hint: hint)
        }
    }
}

/// Reads Yams nodes with errors that name the file and line.
private struct NodeReader {
    let file: String

    struct Entry {
        var value: Node
        var line: Int?
    }

    func place(_ node: Node) -> String {
        node.mark.map { "\(file):\($0.line)" } ?? file
    }

    /// The string-keyed entries of a mapping node, in file order.
    func mapping(_ node: Node, what: String) throws -> OrderedEntries {
        guard case .mapping(let mapping) = node else {
            throw StrataError.configuration("\(place(node)): \(what) must be a mapping of keys to values.", hint: "Fix the configuration; nothing was run.")
        }
        var entries = OrderedEntries()
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw StrataError.configuration("\(place(key)): keys in \(what) must be plain names.", hint: "Fix the configuration; nothing was run.")
            }
            entries.append(scalar.string, Entry(value: value, line: key.mark?.line))
        }
        return entries
    }

    func scalar(_ node: Node, key: String) throws -> StrataConfiguration.Value {
        guard case .scalar(let scalar) = node else {
            throw StrataError.configuration("\(place(node)): `\(key)` must be a single value, not a list or mapping.", hint: "Fix the configuration; nothing was run.")
        }
        return StrataConfiguration.Value(scalar.string, line: node.mark?.line)
    }

    /// `tenants:`: a mapping with exactly one of `urls` (a list of URLs), `sqlite` (a glob),
    /// `schemas` or `databases` (a query).
    func tenants(_ entry: Entry, environment: String) throws -> StrataConfiguration.Tenants {
        let what = "`tenants` of environment \"\(environment)\""
        let forms = StrataConfiguration.Tenants.keys
        let example = "e.g. `tenants: { sqlite: \"tenants/*.sqlite3\" }`, `tenants: { urls: [...] }`, or `schemas:` / `databases:` with a query"
        guard case .mapping = entry.value else {
            throw StrataError.configuration("\(place(entry.value)): \(what) must be a mapping with one of \(forms.joined(separator: ", ")).", hint: "Write it as \(example). Nothing was run.")
        }
        let fields = try mapping(entry.value, what: what)
        try rejectUnknownKeys(fields, allowed: Set(forms), what: what)
        let given = Array(fields)
        guard given.count == 1, let (key, field) = given.first else {
            let names = given.map { "`\($0.0)`" }.joined(separator: " and ")
            throw StrataError.configuration(
                "\(place(entry.value)): \(what) \(given.isEmpty ? "is empty" : "gives \(names)"); give exactly one of \(forms.joined(separator: ", ")).",
                hint: "Write it as \(example). Nothing was run."
            )
        }
        let line = entry.line
        switch key {
        case "urls":
            guard case .sequence(let sequence) = field.value else {
                throw StrataError.configuration("\(place(field.value)): `urls` of \(what) must be a list of URLs.", hint: "Write it as `urls: [\"postgres://…/acme\", \"postgres://…/beta\"]` or one `- URL` a line. Nothing was run.")
            }
            let urls = try sequence.map { try scalar($0, key: "\(environment).tenants.urls") }
            guard !urls.isEmpty else {
                throw StrataError.configuration("\(place(field.value)): `urls` of \(what) is empty.", hint: "List at least one URL, or remove `tenants:`. Nothing was run.")
            }
            return .init(.urls(urls), line: line)
        case "sqlite":
            return .init(.sqlite(try scalar(field.value, key: "\(environment).tenants.sqlite")), line: line)
        default:
            guard let scope = TenantScope.allCases.first(where: { $0.configurationKey == key }) else {
                throw StrataError.configuration("\(place(field.value)): unknown key `\(key)` in \(what).", hint: "Use one of \(forms.joined(separator: ", ")).")
            }
            return .init(.query(try scalar(field.value, key: "\(environment).tenants.\(key)"), scope: scope), line: line)
        }
    }

    func rejectUnknownKeys(_ entries: OrderedEntries, allowed: Set<String>, what: String) throws {
        for (key, entry) in entries where !allowed.contains(key) {
            let line = entry.line.map { ":\($0)" } ?? ""
            throw StrataError.configuration(
                "\(file)\(line): unknown key `\(key)` in \(what).",
                hint: "Allowed keys: \(allowed.sorted().joined(separator: ", "))."
            )
        }
    }

    /// Entries keyed by name, keeping file order.
    struct OrderedEntries: Sequence {
        private var keys: [String] = []
        private var values: [String: Entry] = [:]

        var isEmpty: Bool { keys.isEmpty }

        mutating func append(_ key: String, _ entry: Entry) {
            if values[key] == nil { keys.append(key) }
            values[key] = entry
        }

        subscript(_ key: String) -> Entry? { values[key] }

        func makeIterator() -> some IteratorProtocol<(String, Entry)> {
            keys.compactMap { key in values[key].map { (key, $0) } }.makeIterator()
        }
    }
}
