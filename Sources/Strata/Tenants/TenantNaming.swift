import Foundation

/// How tenants get their names: short where that is unambiguous, longer where two short
/// names would be the same.
enum TenantNaming {
    /// The database's name: a SQLite file's base name without its extension, else the URL's
    /// schema, else its database, else its host.
    static func shortName(_ settings: ConnectionSettings) -> String {
        if let storage = settings.storage { return fileName(storage) }
        return settings.schema ?? settings.database ?? settings.host ?? "localhost"
    }

    /// `acme` for `tenants/acme.sqlite3`.
    static func fileName(_ path: String) -> String {
        let base = (path as NSString).lastPathComponent
        let stem = (base as NSString).deletingPathExtension
        return stem.isEmpty ? base : stem
    }

    /// A name that tells the database apart from others of the same short name: the file's
    /// path, or the server, database and schema — never the password.
    static func longName(_ settings: ConnectionSettings) -> String {
        if let storage = settings.storage { return storage }
        var name = settings.host ?? "localhost"
        if let port = settings.port { name += ":\(port)" }
        if let database = settings.database { name += "/\(database)" }
        if let schema = settings.schema { name += "/\(schema)" }
        return name
    }

    /// `tenants` with the short names that clash replaced by long ones.
    ///
    /// - Throws: ``StrataError`` (configuration) when two tenants are the same database.
    static func unique(_ tenants: [Tenant], where location: String) throws -> [Tenant] {
        var counts: [String: Int] = [:]
        for tenant in tenants { counts[tenant.name, default: 0] += 1 }
        var renamed = tenants
        var seen: Set<String> = []
        for index in renamed.indices {
            if counts[renamed[index].name, default: 0] > 1 { renamed[index].name = longName(renamed[index].connection) }
            guard seen.insert(renamed[index].name).inserted else {
                throw StrataError.configuration(
                    "\(location): tenant \(renamed[index].name) is listed twice.",
                    hint: "List each tenant's database once; two runs on one database would share its history. Nothing was run."
                )
            }
        }
        return renamed
    }
}
