#if MySQL
/// What a MySQL/MariaDB connection learns about its server when it connects, from a few
/// server variables: which server it is (its ``MySQLFlavor``), whether it is a Galera node,
/// how that node runs schema changes, and whether it is read-only.
struct MySQLServerFacts: Sendable, Hashable {
    /// The variables asked for, as `Variable_name, Value` rows.
    static let query = "SHOW VARIABLES WHERE Variable_name IN ('version', 'version_comment', 'wsrep_on', 'wsrep_OSU_method', 'read_only')"

    /// `version` and `version_comment`: MariaDB or MySQL, and which version.
    var flavor: MySQLFlavor

    /// `wsrep_on`: the server is a Galera cluster node.
    var isGalera: Bool
    /// `wsrep_OSU_method`: `TOI` (total order isolation, the default) or `RSU`.
    var schemaUpgradeMethod: String
    /// `read_only`.
    var isReadOnly: Bool

    /// The facts from `(name, value)` pairs.
    init(variables: [(String, String)]) {
        // MariaDB spells the names as it likes (`wsrep_osu_method`).
        let values = Dictionary(variables.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
        flavor = MySQLFlavor(version: values["version"] ?? "", comment: values["version_comment"] ?? "")
        // `wsrep_on` exists on MariaDB (and Galera builds) only: absent, it is off.
        isGalera = values["wsrep_on"]?.uppercased() == "ON"
        schemaUpgradeMethod = values["wsrep_osu_method"]?.uppercased() ?? "TOI"
        isReadOnly = values["read_only"]?.uppercased() == "ON"
    }
}
#endif
