import Foundation

/// A project's configuration: where migrations, seeders and backups live, and the
/// database environments. Read from `strata.yml` by ``ConfigurationLoader``.
///
/// Environment values are kept as written; `${VAR}` references are expanded only for the
/// environment in use, so a variable that only production needs is not required in
/// development.
public struct StrataConfiguration: Sendable {
    /// A configuration value as written, with the line it is on.
    public struct Value: Sendable, Hashable {
        /// The text as written, before `${VAR}` expansion.
        public var text: String
        /// The 1-based line in the configuration file, or `nil` for built-in defaults.
        public var line: Int?

        /// Creates a value.
        public init(_ text: String, line: Int? = nil) {
            self.text = text
            self.line = line
        }
    }

    /// The configuration file it was read from, or `nil` for the built-in default.
    public var file: String?
    /// The directory that relative paths are resolved against.
    public var rootDirectory: String
    /// The migrations directory, as written.
    public var migrations: Value
    /// The seeders directory, as written.
    public var seeders: Value
    /// The backups directory, as written.
    public var backups: Value
    /// The environments by name; each maps configuration keys to values.
    public var environments: [String: [String: Value]]
    /// The `tenants:` of the environments that have one, by environment name, as written.
    public var tenants: [String: Tenants] = [:]
    /// `lint:` as written: a rule's code or name → `error`, `warning` or `off`.
    public var lint: [String: Value] = [:]

    /// The lint severities `lint:` sets: a rule → its severity, or `nil` when turned off.
    ///
    /// - Throws: ``StrataError`` (configuration) for an unknown rule or severity, naming the line.
    public func lintSeverities() throws -> [LintCode: LintSeverity?] {
        var severities: [LintCode: LintSeverity?] = [:]
        for (key, value) in lint {
            guard let code = LintCode.named(key) else {
                throw StrataError.configuration("\(location(of: value)): `lint` names no rule \(key).",
                                                hint: "Use a rule's code or name, e.g. ST101 or drop-table (README, \"Linting migrations\").")
            }
            switch value.text.lowercased() {
            case "off": severities[code] = .some(nil)
            case let text: 
                guard let severity = LintSeverity(rawValue: text) else {
                    throw StrataError.configuration("\(location(of: value)): `lint` gives \(key) the severity \"\(value.text)\".", hint: "Use error, warning or off.")
                }
                severities[code] = severity
            }
        }
        return severities
    }

    /// An environment's `tenants:` as written: one of its four forms, with its line.
    public struct Tenants: Sendable, Hashable {
        /// The form and its values, before `${VAR}` expansion.
        public enum Form: Sendable, Hashable {
            /// `urls: [...]`.
            case urls([Value])
            /// `sqlite: PATTERN`.
            case sqlite(Value)
            /// `schemas: QUERY` or `databases: QUERY`.
            case query(Value, scope: TenantScope)
        }

        /// The form.
        public var form: Form
        /// The 1-based line of `tenants:`.
        public var line: Int?

        /// Creates a `tenants:` value.
        public init(_ form: Form, line: Int?) {
            self.form = form
            self.line = line
        }

        /// The keys `tenants:` may have; it takes exactly one.
        public static let keys: [String] = ["urls", "sqlite"] + TenantScope.allCases.map(\.configurationKey)
    }

    /// The environment used when neither `--env` nor `STRATA_ENV` names one.
    public static let defaultEnvironment = "development"
    /// The configuration file name looked for in the project directory.
    public static let defaultFileName = "strata.yml"
    /// The keys an environment may have.
    public static let environmentKeys: Set<String> = [
        "url", "direct_url", "dialect", "host", "port", "database", "username", "password", "storage", "schema", "tls", "logging",
        "backup_before_migrate", "schema_dump", "model", "tenants", "flavor",
    ]

    /// The configuration used when there is no `strata.yml`: SQLite at
    /// `db/development.sqlite3`, migrations in `db/migrations`.
    public static func builtInDefault(rootDirectory: String = ".") -> StrataConfiguration {
        StrataConfiguration(
            file: nil,
            rootDirectory: rootDirectory,
            migrations: Value("db/migrations"),
            seeders: Value("db/seeders"),
            backups: Value("backups"),
            environments: [defaultEnvironment: ["url": Value("sqlite:db/development.sqlite3")]]
        )
    }

    /// The name of the environment to use: `explicit` (from `--env`), else `STRATA_ENV`,
    /// else `development`.
    ///
    /// - Throws: ``StrataError`` (configuration) when `--env` or `STRATA_ENV` is given but
    ///   empty: a deploy script whose variable came out empty must not act on development.
    public static func environmentName(explicit: String?, variables: [String: String]) throws -> String {
        if let explicit {
            guard !explicit.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StrataError.configuration(
                    "--env was given an empty environment name.",
                    hint: "Name the environment, e.g. --env production, or leave --env out to use STRATA_ENV or development. Nothing was done."
                )
            }
            return explicit
        }
        if let fromVariable = variables["STRATA_ENV"] {
            guard !fromVariable.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StrataError.configuration(
                    "STRATA_ENV is set but empty.",
                    hint: "Set it to an environment's name, e.g. STRATA_ENV=production, or unset it to use development. Nothing was done."
                )
            }
            return fromVariable
        }
        return defaultEnvironment
    }

    /// The environment called `name`, with `${VAR}` expanded from `variables` and paths resolved.
    ///
    /// - Throws: ``StrataError`` (configuration) for an unknown environment, a missing
    ///   variable, a bad URL, an unknown dialect or a field of the wrong type, naming the
    ///   file, line and key.
    public func environment(named name: String, variables: [String: String]) throws -> ResolvedEnvironment {
        guard let values = environments[name] else {
            let known = environments.keys.sorted().joined(separator: ", ")
            let source = file.map { "in \($0)" } ?? "(no strata.yml was found, so only the built-in development environment exists)"
            throw StrataError.configuration(
                "Unknown environment \"\(name)\" \(source). Known environments: \(known).",
                hint: "Choose one with --env or STRATA_ENV, or add it under `environments:`\(file == nil ? " after running `strata init`" : "")."
            )
        }
        let resolver = EnvironmentResolver(configuration: self, name: name, interpolation: VariableInterpolation(variables: variables))
        return try resolver.resolve(values, tenants: tenants[name])
    }

    /// `path` resolved against ``rootDirectory`` unless it is absolute.
    public func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") || rootDirectory == "." || rootDirectory.isEmpty { return path }
        return rootDirectory.hasSuffix("/") ? rootDirectory + path : "\(rootDirectory)/\(path)"
    }

    /// Where a configuration value was written, e.g. `strata.yml:7`.
    func location(of value: Value) -> String {
        guard let file else { return "the built-in default configuration" }
        guard let line = value.line else { return file }
        return "\(file):\(line)"
    }
}

/// An environment ready to use: its connection settings, paths and options.
public struct ResolvedEnvironment: Sendable {
    /// The environment's name, e.g. `production`.
    public var name: String
    /// Where and how to connect.
    public var connection: ConnectionSettings
    /// Whether every SQL statement is logged (`logging: true`).
    public var logging: Bool
    /// Whether `migrate` and `deploy` back up before applying anything (`backup_before_migrate: true`).
    public var backupBeforeMigrate: Bool
    /// The migrations directory, resolved.
    public var migrationsDirectory: String
    /// The seeders directory, resolved.
    public var seedersDirectory: String
    /// The backups directory, resolved.
    public var backupsDirectory: String
    /// Where `schema_dump:` keeps the schema dump, resolved: it is written again after every
    /// run that changed the database. `nil` when the environment does not say.
    public var schemaDump: String?
    /// The declared schema (`model:`), resolved: the SQL file of the schema as it should be,
    /// which `generate --from-schema` and `schema check --against-model` read. `nil` when
    /// the environment does not say (they then read db/model.sql).
    public var model: String? = nil
    /// The environment's fleet (`tenants:`), whose every tenant has the environment's
    /// migrations; `nil` when it has none. Commands reach it with `--all-tenants` or `--tenant`.
    public var tenants: TenantFleetDefinition?
    /// Whether the environment has a database of its own besides its tenants: `false` when it
    /// gives only `tenants:` of URLs or files, and no `url`.
    public var hasOwnDatabase: Bool = true
}
