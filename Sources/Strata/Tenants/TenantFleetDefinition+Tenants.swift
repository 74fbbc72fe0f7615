import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TenantFleetDefinition {
    /// The tenants, in a stable order: as listed, files sorted by path, or in the order the
    /// query returns them.
    ///
    /// - Parameters:
    ///   - settings: the environment's own connection: the query runs on it, and a schema or
    ///     database tenant is beside it.
    ///   - driver: the environment's driver.
    ///   - logger: where the query's connection logs.
    /// - Throws: ``StrataError`` (configuration) for a pattern that matches no file, a query
    ///   that fails or returns an empty or repeated name, or a form the dialect lacks — naming
    ///   where `tenants:` is written. Nothing has been run on any tenant.
    public func tenants(beside settings: ConnectionSettings, driver: any DatabaseDriver, logger: Logger) async throws -> [Tenant] {
        switch source {
        case .urls(let tenants):
            return tenants
        case .sqliteFiles(let pattern):
            let files = try Self.files(matching: pattern)
            guard !files.isEmpty else {
                throw StrataError.configuration(
                    "\(location): the tenants pattern \(pattern) matches no file.",
                    hint: "Check the pattern in `tenants: { sqlite: … }` (relative to the configuration file's directory), or create the tenants' databases first. Nothing was run."
                )
            }
            let tenants = files.map { Tenant(name: TenantNaming.fileName($0), connection: ConnectionSettings(dialect: "sqlite", storage: $0)) }
            return try TenantNaming.unique(tenants, where: location)
        case .query(let query, let scope):
            guard driver.tenantScopes.contains(scope) else {
                let others = driver.tenantScopes.map { "`\($0.configurationKey):`" }.sorted()
                throw StrataError.configuration(
                    "\(location): `tenants: { \(scope.configurationKey): … }` does not apply to \(settings.dialect), which has no tenant \(scope.rawValue)s inside a server.",
                    hint: others.isEmpty
                        ? "List the tenants' databases with `urls:` (SQLite files also with `sqlite:` and a file pattern). Nothing was run."
                        : "Use \(others.joined(separator: " or ")) with a query returning their names. Nothing was run."
                )
            }
            let names = try await names(from: query, scope: scope, settings: settings, driver: driver, logger: logger)
            return names.map { Tenant(name: $0, connection: driver.tenantSettings($0, scope: scope, beside: settings)) }
        }
    }

    /// The names the tenants query returns: the first column of each row.
    private func names(from query: String, scope: TenantScope, settings: ConnectionSettings, driver: any DatabaseDriver, logger: Logger) async throws -> [String] {
        // Not reaching the server is a failure of its own, reported as the driver words it.
        let connection = try await driver.connect(settings, for: .read, logger: logger)
        let rows: [DatabaseRow]
        do {
            rows = try await connection.closeAfter { try await connection.query(query, []) }
        } catch {
            let reason = (error as? StrataError)?.message ?? "\(error)"
            throw StrataError.configuration(
                "\(location): the tenants query failed on \(settings.redactedDescription): \(reason)",
                hint: "Fix the `\(scope.configurationKey):` query of `tenants:`; it must return one \(scope.rawValue) name a row. Nothing was run."
            )
        }
        var names: [String] = []
        var seen: Set<String> = []
        for (index, row) in rows.enumerated() {
            guard let name = row.columns.first?.value.text, !name.isEmpty else {
                throw StrataError.configuration(
                    "\(location): row \(index + 1) of the tenants query has no \(scope.rawValue) name (it is empty or NULL).",
                    hint: "Make the query return one non-empty name a row, e.g. with `WHERE name <> ''`. Nothing was run."
                )
            }
            guard seen.insert(name).inserted else {
                throw StrataError.configuration(
                    "\(location): the tenants query returns \(scope.rawValue) \(name) twice.",
                    hint: "Make the names distinct, e.g. with SELECT DISTINCT. Nothing was run."
                )
            }
            names.append(name)
        }
        return names
    }

    /// The regular files that `pattern` matches, sorted.
    static func files(matching pattern: String) throws -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        let status = glob(pattern, 0, nil, &matches)
        guard status == 0 else {
            if status == GLOB_NOMATCH { return [] }
            throw StrataError.failure("Cannot read the files of the tenants pattern \(pattern) (glob error \(status)).",
                                      hint: "Check that its directories exist and can be read.")
        }
        var files: [String] = []
        for index in 0..<Int(matches.gl_pathc) {
            guard let path = matches.gl_pathv[index].map({ String(cString: $0) }) else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }
}
