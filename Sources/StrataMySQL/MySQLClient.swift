#if MySQL
import CMariaDB
import Foundation
import Strata

/// One MariaDB Connector/C connection. Every call into the connector — all of them
/// blocking — runs on this connection's own thread (``ConnectionThread``), never on Swift's
/// cooperative threads, and one at a time, as the connector requires. A run prefers that
/// thread as its executor, so a migration's statements, and the escaping of their values,
/// follow one another there without a thread switch.
final class MySQLClient: @unchecked Sendable {
    /// The connection's thread, which also serves as a run's task executor.
    let thread = ConnectionThread(name: "strata-mysql")
    /// The connector's functions.
    private let api: strata_mariadb_api
    // Touched only on `thread`.
    private var handle: UnsafeMutablePointer<MYSQL>?

    /// A client of the connector, which is loaded the first time.
    ///
    /// - Throws: ``StrataError`` saying how to install the connector when it cannot be loaded.
    init() throws {
        api = try MariaDBLibrary.functions.get()
    }

    /// A client dropped without ``close()`` still closes its connection and ends its thread.
    deinit {
        if let handle { api.mysql_close(handle) }
        thread.shutdown()
    }

    /// A column of a result: its name and whether its values are integers, floats or times.
    enum ColumnKind { case integer, float, time, text }

    /// Connects; throws ``MySQLServerError`` with the connector's error number.
    func connect(host: String, port: Int, user: String, password: String?, database: String?, tls: TLSMode) async throws {
        try await onThread { [self] in
            guard let mysql = api.mysql_init(nil) else {
                throw MySQLServerError(number: 0, state: "HY000", message: "the MariaDB Connector/C could not be initialised")
            }
            var timeout: UInt32 = 10
            _ = api.mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
            _ = "utf8mb4".withCString { api.mysql_options(mysql, MYSQL_SET_CHARSET_NAME, $0) }
            var yes: my_bool = 1
            var no: my_bool = 0
            switch tls {
            case .disable:
                break
            case .require:
                _ = api.mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes)
                _ = api.mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no)
            case .verifyFull:
                _ = api.mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes)
                _ = api.mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes)
                _ = "/etc/ssl/certs".withCString { api.mysql_options(mysql, MYSQL_OPT_SSL_CAPATH, $0) }
            }
            guard api.mysql_real_connect(mysql, host, user, password, database, UInt32(port), nil, UInt(CLIENT_MULTI_STATEMENTS)) != nil else {
                let error = MySQLServerError(mysql, api)
                api.mysql_close(mysql)
                throw error
            }
            handle = mysql
        }
    }

    /// Runs the statements, each with its `?` placeholders replaced by its binds as escaped
    /// literals, as one request (one round trip); drains every result and returns the rows
    /// of the first result set. The server stops at the first statement that fails, whose
    /// error is thrown.
    func query(_ statements: [(sql: String, binds: [DatabaseValue])]) async throws -> [[(name: String, kind: ColumnKind, value: String?)]] {
        try await onThread { [self] in
            guard let mysql = handle else {
                throw MySQLServerError(number: 2006, state: "HY000", message: "the connection is closed")
            }
            let sql = try statements.map { statement in
                let literals = statement.binds.map { MySQLLiterals.literal($0) { text in Self.escape(text, for: mysql, api) } }
                return try MySQLLiterals.interpolate(statement.sql, literals: literals)
            }.joined(separator: ";\n")
            let text = Array(sql.utf8CString)
            let status = text.withUnsafeBufferPointer { buffer in
                api.mysql_real_query(mysql, buffer.baseAddress, UInt(text.count - 1))
            }
            if status != 0 { throw MySQLServerError(mysql, api) }
            var first: [[(name: String, kind: ColumnKind, value: String?)]]?
            while true {
                if let result = api.mysql_store_result(mysql) {
                    let rows = Self.rows(of: result, api)
                    api.mysql_free_result(result)
                    if first == nil { first = rows }
                } else if api.mysql_field_count(mysql) != 0 {
                    throw MySQLServerError(mysql, api)
                }
                let next = api.mysql_next_result(mysql)
                if next > 0 { throw MySQLServerError(mysql, api) }
                if next != 0 { break }
            }
            return first ?? []
        }
    }

    /// `text` escaped for use inside a quoted string literal, for the connection's charset.
    private static func escape(_ text: String, for mysql: UnsafeMutablePointer<MYSQL>, _ api: strata_mariadb_api) -> String {
        let source = Array(text.utf8CString)
        var target = [CChar](repeating: 0, count: source.count * 2 + 1)
        let length = api.mysql_real_escape_string(mysql, &target, source, UInt(source.count - 1))
        return String(decoding: target.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The server's id for this connection (`CONNECTION_ID()`).
    func threadID() async throws -> UInt {
        try await onThread { [self] in handle.map { api.mysql_thread_id($0) } ?? 0 }
    }

    /// Closes the connection and lets its thread end.
    func close() async {
        try? await onThread { [self] in
            if let handle { api.mysql_close(handle) }
            handle = nil
        }
        thread.shutdown()
    }

    /// Runs `body` on the connection's thread: where a run already executes, without a switch.
    private func onThread<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
        try await withTaskExecutorPreference(thread) { try body() }
    }

    private static func rows(of result: UnsafeMutablePointer<MYSQL_RES>, _ api: strata_mariadb_api) -> [[(name: String, kind: ColumnKind, value: String?)]] {
        let count = Int(api.mysql_num_fields(result))
        guard count > 0, let fields = api.mysql_fetch_fields(result) else { return [] }
        let columns = (0..<count).map { index -> (String, ColumnKind) in
            let field = fields[index]
            return (String(cString: field.name), kind(of: field.type))
        }
        var rows: [[(name: String, kind: ColumnKind, value: String?)]] = []
        while let row = api.mysql_fetch_row(result) {
            guard let lengths = api.mysql_fetch_lengths(result) else { break }
            rows.append(columns.enumerated().map { index, column in
                let value = row[index].map { pointer in
                    String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(lengths[index])), as: UTF8.self)
                }
                return (column.0, column.1, value)
            })
        }
        return rows
    }

    private static func kind(of type: enum_field_types) -> ColumnKind {
        switch type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_INT24, MYSQL_TYPE_YEAR:
            return .integer
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .float
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP, MYSQL_TYPE_DATE:
            return .time
        default:
            return .text
        }
    }
}

/// An error from the connector or the server: its number, SQLSTATE and message.
struct MySQLServerError: Error, Sendable {
    let number: UInt32
    let state: String
    let message: String

    init(number: UInt32, state: String, message: String) {
        self.number = number
        self.state = state
        self.message = message
    }

    /// The connector's last error on `mysql`.
    init(_ mysql: UnsafeMutablePointer<MYSQL>, _ api: strata_mariadb_api) {
        number = api.mysql_errno(mysql)
        state = api.mysql_sqlstate(mysql).map { String(cString: $0) } ?? "HY000"
        message = api.mysql_error(mysql).map { String(cString: $0) } ?? "unknown error"
    }
}
#endif
