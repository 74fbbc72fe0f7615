import Foundation
import Logging
import Strata
import StrataMySQL
import StrataPostgres
import StrataSQLite

/// A database engine the conformance suite runs against. Every behaviour test takes one
/// as its argument, so adding a driver means adding one entry to ``all``.
struct TestDatabase: Sendable, CustomStringConvertible {
    let description: String
    let driver: any DatabaseDriver
    /// Creates an empty database and returns its settings and how to remove it.
    let create: @Sendable () async throws -> (settings: ConnectionSettings, drop: @Sendable () async -> Void)
    /// For a server: the settings of the test database it was given.
    var server: Server?

    /// Settings naming a database that does not exist yet, for `db create` / `db drop`.
    func unusedDatabase() throws -> ConnectionSettings {
        let name = "strata_c_" + UUID().uuidString.prefix(8).lowercased()
        guard let server else {
            return ConnectionSettings(dialect: "sqlite", storage: FileManager.default.temporaryDirectory.path + "/\(name)/db.sqlite3")
        }
        var settings = try server.settings()
        settings.database = name
        settings.schema = nil
        return settings
    }

    /// What the tests need to know about a database server.
    struct Server: Sendable {
        /// The settings from `scripts/start-databases`.
        let settings: @Sendable () throws -> ConnectionSettings
        /// Whether a connection is encrypted with TLS.
        let isEncrypted: @Sendable (any DatabaseConnection) async throws -> Bool
        /// How a lock timeout names the holder, e.g. `PostgreSQL backend pid`.
        let holder: String
    }

    /// The servers the tests run against.
    static var servers: [TestDatabase] { all.filter { $0.server != nil } }

    /// Every engine the suite runs against: SQLite always; PostgreSQL when its server is
    /// configured (`STRATA_POSTGRES_URL`) or required (`STRATA_REQUIRE_SERVERS=1`, as
    /// `scripts/test` sets it — then a missing server fails the tests instead of skipping them).
    static let all: [TestDatabase] = [.sqliteFile]
        + (ServerEnvironment.postgresWanted ? [.postgres] : [])
        + (ServerEnvironment.mysqlWanted ? [.mysql] : [])

    /// MariaDB, in a fresh database that is dropped afterwards.
    static let mysql = TestDatabase(
        description: "mysql", driver: MySQLDriver(),
        create: createMySQL,
        server: Server(
            settings: ServerEnvironment.mysqlSettings,
            isEncrypted: { try await $0.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", []).first?["Value"].text?.isEmpty == false },
            holder: "MySQL connection"
        )
    )

    @Sendable private static func createMySQL() async throws -> (settings: ConnectionSettings, drop: @Sendable () async -> Void) {
        var settings = try ServerEnvironment.mysqlSettings()
        let database = "strata_t_" + UUID().uuidString.prefix(8).lowercased()
        let admin = settings
        let connection = try await MySQLDriver().connect(admin, logger: Logger(label: "test"))
        do {
            try await connection.execute("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
            await connection.close()
        } catch {
            await connection.close()
            throw error
        }
        settings.database = database
        return (settings, {
            guard let connection = try? await MySQLDriver().connect(admin, logger: Logger(label: "test")) else { return }
            // Never wait long behind a session a failed test left open (the server's default wait is a year).
            try? await connection.execute("SET SESSION lock_wait_timeout = 60")
            try? await connection.execute("DROP DATABASE IF EXISTS `\(database)`")
            await connection.close()
        })
    }

    /// PostgreSQL, in a fresh schema of the test database that is dropped afterwards.
    static let postgres = TestDatabase(
        description: "postgres", driver: PostgresDriver(),
        create: createPostgres,
        server: Server(
            settings: ServerEnvironment.postgresSettings,
            isEncrypted: { try await $0.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", []).first?["ssl"].integer == 1 },
            holder: "PostgreSQL backend pid"
        )
    )

    @Sendable private static func createPostgres() async throws -> (settings: ConnectionSettings, drop: @Sendable () async -> Void) {
        var settings = try ServerEnvironment.postgresSettings()
        let schema = "strata_t_" + UUID().uuidString.prefix(8).lowercased()
        settings.schema = schema
        let base = settings
        return (settings, {
            var admin = base
            admin.schema = nil
            guard let connection = try? await PostgresDriver().connect(admin, logger: Logger(label: "test")) else { return }
            try? await connection.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
            await connection.close()
        })
    }

    /// SQLite in a fresh file of its own.
    static let sqliteFile = TestDatabase(description: "sqlite", driver: SQLiteDriver()) {
        let directory = try TemporaryDirectory()
        let settings = ConnectionSettings(dialect: "sqlite", storage: directory.path + "/test.sqlite3")
        return (settings, { directory.remove() })
    }

    /// A fresh, empty database with helpers to run migrations and inspect the result.
    func fresh() async throws -> FreshDatabase {
        let (settings, drop) = try await create()
        return FreshDatabase(engine: self, settings: settings, drop: drop, files: try TemporaryDirectory())
    }
}

/// One empty database of a ``TestDatabase`` engine, with a migrations directory of its own.
struct FreshDatabase: Sendable {
    let engine: TestDatabase
    let settings: ConnectionSettings
    let drop: @Sendable () async -> Void
    let files: TemporaryDirectory

    var migrationsPath: String { files.path + "/migrations" }

    /// Writes a migration file `VERSION-name.sql` with the given sections.
    @discardableResult
    func write(_ version: String, _ name: String, up: String, down: String? = "", upOptions: String = "", downOptions: String = "") throws -> String {
        try FileManager.default.createDirectory(atPath: migrationsPath, withIntermediateDirectories: true)
        var text = "-- migrate:up \(upOptions)\n\(up)\n"
        if let down { text += "-- migrate:down \(downOptions)\n\(down)\n" }
        let path = "\(migrationsPath)/\(version)-\(name).sql"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes migrations `2025010100000N-table-N` creating (and dropping) tables `tN`.
    func writeTables(_ numbers: ClosedRange<Int>) throws {
        for number in numbers {
            try write("2025010100000\(number)", "table-\(number)", up: "CREATE TABLE t\(number) (id INTEGER);", down: "DROP TABLE t\(number);")
        }
    }

    /// A migrator over the migrations written so far.
    func migrator(lockTimeout: Duration = .seconds(10)) throws -> Migrator {
        let driver = engine.driver
        let settings = settings
        return Migrator(
            migrations: try MigrationDirectory(path: migrationsPath, syntax: driver.dialect.syntax).load(),
            connect: { purpose in try await driver.connect(settings, for: purpose, logger: Logger(label: "test")) },
            lockTimeout: lockTimeout
        )
    }

    /// Opens a connection of its own.
    func connect() async throws -> any DatabaseConnection {
        try await engine.driver.connect(settings, logger: Logger(label: "test"))
    }

    /// Runs `sql` on a connection of its own and returns the rows.
    func query(_ sql: String) async throws -> [DatabaseRow] {
        try await queryOnce(sql, on: connect())
    }

    /// Whether `table` exists.
    func hasTable(_ table: String) async throws -> Bool {
        let connection = try await connect()
        let exists = try await connection.tableExists(table)
        await connection.close()
        return exists
    }

    /// The versions in the history table, in order.
    func historyVersions() async throws -> [String] {
        guard try await hasTable("strata_migrations") else { return [] }
        return try await query("SELECT version FROM strata_migrations ORDER BY version").compactMap { $0["version"].text }
    }

    /// A `strata.yml` for this database, and the variable that carries its password (so
    /// the password is in neither the file nor the command line).
    func projectConfiguration() -> (yaml: String, environment: [String: String]) {
        ("environments:\n  development:\n    url: \(url(password: "${STRATA_TEST_DB_PASSWORD}"))\n", settings.storage == nil ? ["STRATA_TEST_DB_PASSWORD": settings.password ?? ""] : [:])
    }

    /// This database's URL with the password in it, for an API that takes a URL in-process.
    func settingsURL() -> String {
        url(password: (settings.password ?? "").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// This database's URL with `password` written in.
    private func url(password: String) -> String {
        if let storage = settings.storage { return "sqlite:\(storage)" }
        var url = "\(settings.dialect)://\(settings.username ?? ""):\(password)@\(settings.host ?? "localhost")"
        if let port = settings.port { url += ":\(port)" }
        url += "/\(settings.database ?? "")"
        if let schema = settings.schema { url += "?schema=\(schema)" }
        return url
    }

    /// A project directory using this database, with `migrations` written as
    /// `VERSION-name.sql` files of up sections.
    func project(_ migrations: [(version: String, name: String, up: String)]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try projectConfiguration().yaml.write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        for migration in migrations {
            try "-- migrate:up\n\(migration.up)\n-- migrate:down\n".write(
                toFile: "\(directory.path)/db/migrations/\(migration.version)-\(migration.name).sql", atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// Runs `strata` in a project of this database.
    func strata(_ arguments: [String], in project: TemporaryDirectory) async throws -> StrataProcess.Result {
        try await StrataProcess.run(arguments, in: project.path, environment: projectConfiguration().environment)
    }

    /// Removes the database and the migration files.
    func remove() async {
        await drop()
        files.remove()
    }
}

/// Runs `sql` on `connection`, closes it whatever happens, and returns the rows.
func queryOnce(_ sql: String, on connection: any DatabaseConnection) async throws -> [DatabaseRow] {
    try await connection.closeAfter { try await connection.query(sql, []) }
}

/// A directory under the system's temporary directory.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension FreshDatabase {
    /// A migrator over Swift migrations (and any SQL files written so far).
    func migrator(swift migrations: [any Migration], lockTimeout: Duration = .seconds(10)) async throws -> Migrator {
        var migrator = try migrator(lockTimeout: lockTimeout)
        migrator.migrations = try MigrationSources.merge(migrator.migrations, try await MigrationRegistry(unlocated: migrations).load())
        return migrator
    }

    /// What introspection says of every table: columns and indexes, one line each.
    func introspection() async throws -> [String] {
        let connection = try await connect()
        return try await connection.closeAfter {
            guard let dialect = connection.dialect.schemaDialect else { return [] }
            var lines: [String] = []
            for table in try await dialect.tables(in: connection) {
                lines.append("table \(table)")
                lines += try await dialect.columns(of: table, in: connection).map { "  column \($0)" }
                lines += try await dialect.indexes(of: table, in: connection).map { "  index \($0)" }
            }
            return lines
        }
    }
}
