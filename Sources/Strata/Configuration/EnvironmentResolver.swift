import Foundation

/// Turns one environment's configuration values into a ``ResolvedEnvironment``:
/// expands variables, parses the URL or the discrete fields, and checks types.
struct EnvironmentResolver {
    let configuration: StrataConfiguration
    let name: String
    let interpolation: VariableInterpolation

    func resolve(_ values: [String: StrataConfiguration.Value], tenants written: StrataConfiguration.Tenants? = nil) throws -> ResolvedEnvironment {
        var expanded: [String: String] = [:]
        for (key, value) in values {
            expanded[key] = try expand(value, key: key)
        }
        let tenants = try written.map(tenantFleet)
        var connection: ConnectionSettings
        var hasOwnDatabase = true
        if expanded["url"] == nil, expanded["direct_url"] == nil, expanded["dialect"] == nil, let dialect = tenants?.ownDialect {
            // A fleet of URLs or files needs no database of the environment's own.
            connection = ConnectionSettings(dialect: dialect)
            hasOwnDatabase = false
        } else {
            connection = try connectionSettings(expanded, values: values)
        }
        // Which server of the dialect to write for without one (MySQL's `mysql` or `mariadb`):
        // an option the driver reads, like a URL's `?flavor=`.
        if let flavor = expanded["flavor"] {
            guard !flavor.isEmpty else { throw problem(at: values["flavor"], "`flavor` needs a value, e.g. mysql or mariadb") }
            connection.options["flavor"] = flavor
        }
        if let tenants, let dialect = tenants.ownDialect, dialect != connection.dialect {
            throw problem(at: written.map { StrataConfiguration.Value("", line: $0.line) },
                          "the tenants are \(dialect) databases but the environment's url is \(connection.dialect); the migrations are written for one dialect")
        }
        let logging = try bool(expanded["logging"], key: "logging", values: values) ?? false
        let backupBeforeMigrate = try bool(expanded["backup_before_migrate"], key: "backup_before_migrate", values: values) ?? false
        return ResolvedEnvironment(
            name: name,
            connection: connection,
            logging: logging,
            backupBeforeMigrate: backupBeforeMigrate,
            migrationsDirectory: configuration.resolvePath(try expand(configuration.migrations, key: "migrations")),
            seedersDirectory: configuration.resolvePath(try expand(configuration.seeders, key: "seeders")),
            backupsDirectory: configuration.resolvePath(try expand(configuration.backups, key: "backups")),
            schemaDump: try expanded["schema_dump"].map { path in
                guard !path.isEmpty else { throw problem(at: values["schema_dump"], "`schema_dump` needs a file path, e.g. db/schema.sql") }
                return configuration.resolvePath(path)
            },
            model: try expanded["model"].map { path in
                guard !path.isEmpty else { throw problem(at: values["model"], "`model` needs a file path, e.g. db/model.sql") }
                return configuration.resolvePath(path)
            },
            tenants: tenants.map(\.definition),
            hasOwnDatabase: hasOwnDatabase
        )
    }

    /// A resolved `tenants:`, and the dialect its tenants have when they bring their own
    /// connections (`urls`, `sqlite`).
    private struct ResolvedFleet {
        var definition: TenantFleetDefinition
        var ownDialect: String?
    }

    private func tenantFleet(_ written: StrataConfiguration.Tenants) throws -> ResolvedFleet {
        let place = StrataConfiguration.Value("", line: written.line)
        let location = configuration.location(of: place)
        switch written.form {
        case .urls(let values):
            var tenants: [Tenant] = []
            for value in values {
                let url = try expand(value, key: "tenants.urls")
                let settings: ConnectionSettings
                do {
                    settings = try DatabaseURL.parse(url)
                } catch {
                    throw problem(at: value, "a tenant URL is not valid: \(error.reason)", key: "tenants")
                }
                if let first = tenants.first, first.connection.dialect != settings.dialect {
                    throw problem(at: value, "this tenant is \(settings.dialect) but the first one is \(first.connection.dialect); every tenant runs the same migrations, so all must be one dialect", key: "tenants")
                }
                var resolved = settings
                if let storage = settings.storage, storage != ":memory:" { resolved.storage = configuration.resolvePath(storage) }
                tenants.append(Tenant(name: TenantNaming.shortName(settings), connection: resolved))
            }
            let named = try TenantNaming.unique(tenants, where: location)
            return ResolvedFleet(definition: TenantFleetDefinition(source: .urls(named), location: location), ownDialect: named.first?.connection.dialect)
        case .sqlite(let value):
            let pattern = try expand(value, key: "tenants.sqlite")
            guard !pattern.isEmpty else { throw problem(at: value, "`sqlite` of `tenants` needs a file pattern, e.g. tenants/*.sqlite3", key: "tenants") }
            return ResolvedFleet(definition: TenantFleetDefinition(source: .sqliteFiles(pattern: configuration.resolvePath(pattern)), location: location), ownDialect: "sqlite")
        case .query(let value, let scope):
            let query = try expand(value, key: "tenants.\(scope.configurationKey)")
            guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw problem(at: value, "`\(scope.configurationKey)` of `tenants` needs a query returning one \(scope.rawValue) name a row", key: "tenants")
            }
            return ResolvedFleet(definition: TenantFleetDefinition(source: .query(query, scope: scope), location: location), ownDialect: nil)
        }
    }

    private func connectionSettings(_ fields: [String: String], values: [String: StrataConfiguration.Value]) throws -> ConnectionSettings {
        let discreteKeys = ["dialect", "host", "port", "database", "username", "password", "storage"].filter { fields[$0] != nil }
        var settings: ConnectionSettings
        // `direct_url` reaches the server itself where `url` goes through a pooling proxy:
        // Strata migrates over it, the application keeps `url`.
        if let key = ["direct_url", "url"].first(where: { fields[$0] != nil }), let url = fields[key] {
            if let clash = discreteKeys.first, let value = values[clash] {
                throw problem(at: value, "`\(clash)` is given together with `\(key)`; give either a url or the discrete fields")
            }
            do {
                settings = try DatabaseURL.parse(url)
            } catch {
                throw problem(at: values[key], "the \(key) is not valid: \(error.reason)")
            }
            if key == "direct_url", let applicationURL = fields["url"], let application = try? DatabaseURL.parse(applicationURL),
               application.dialect != settings.dialect {
                throw problem(at: values[key], "the direct_url is \(settings.dialect) but the url is \(application.dialect); both must reach the same database")
            }
        } else {
            guard let dialectText = fields["dialect"] else {
                throw StrataError.configuration(
                    "Environment \"\(name)\" in \(configuration.file ?? "the configuration") has neither `url` nor `dialect`.",
                    hint: "Add `url: sqlite:db/\(name).sqlite3` (or postgres://…, mysql://…), or `dialect:` with its connection fields."
                )
            }
            guard let dialect = DatabaseURL.schemes[dialectText.lowercased()]?.dialect else {
                throw problem(at: values["dialect"], "unknown dialect \"\(dialectText)\"; use sqlite, postgres or mysql")
            }
            settings = ConnectionSettings(dialect: dialect)
            settings.host = fields["host"]
            settings.database = fields["database"]
            settings.username = fields["username"]
            settings.password = fields["password"]
            settings.storage = fields["storage"]
            if let portText = fields["port"] {
                guard let port = Int(portText), (1...65535).contains(port) else {
                    throw problem(at: values["port"], "port \"\(portText)\" is not a number from 1 to 65535")
                }
                settings.port = port
            }
        }
        if let schema = fields["schema"] {
            guard !schema.isEmpty else { throw problem(at: values["schema"], "`schema` is empty") }
            settings.schema = schema
        }
        if let tlsText = fields["tls"] {
            guard let tls = TLSMode(text: tlsText) else {
                throw problem(at: values["tls"], "tls \"\(tlsText)\" is not one of \(TLSMode.accepted)")
            }
            settings.tls = tls
        }
        if let storage = settings.storage, storage != ":memory:" {
            settings.storage = configuration.resolvePath(storage)
        }
        return settings
    }

    private func bool(_ text: String?, key: String, values: [String: StrataConfiguration.Value]) throws -> Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw problem(at: values[key], "`\(key)` must be true or false, not \"\(text)\"")
        }
    }

    private func expand(_ value: StrataConfiguration.Value, key: String) throws -> String {
        do {
            return try interpolation.expand(value.text)
        } catch .missingVariable(let variable) {
            throw StrataError.configuration(
                "Environment variable \(variable) is not set (needed by `\(key)` of environment \"\(name)\" at \(configuration.location(of: value))).",
                hint: "Set \(variable), or give a default with ${\(variable):-default}."
            )
        } catch .malformed(let reason) {
            throw problem(at: value, reason, key: key)
        }
    }

    private func problem(at value: StrataConfiguration.Value?, _ reason: String, key: String? = nil) -> StrataError {
        let place = value.map { configuration.location(of: $0) } ?? (configuration.file ?? "the configuration")
        let subject = key.map { "`\($0)` of environment \"\(name)\"" } ?? "Environment \"\(name)\""
        return StrataError.configuration("\(place): \(subject): \(reason).", hint: "Fix the configuration; nothing was run.")
    }
}
