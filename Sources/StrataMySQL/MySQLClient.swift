#if MySQL
import CMariaDB
import Dispatch
import Foundation
import Strata

/// One MariaDB Connector/C connection. Every call into the connector — all of them
/// blocking — runs on this connection's own serial queue, never on Swift's cooperative
/// threads, and one at a time, as the connector requires.
final class MySQLClient: @unchecked Sendable {
    private let queue = DispatchQueue(label: "strata.mysql.connection")
    // Touched only on `queue`.
    private var handle: UnsafeMutablePointer<MYSQL>?

    /// `mysql_library_init`, once per process.
    private static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    /// A column of a result: its name and whether its values are integers, floats or times.
    enum ColumnKind { case integer, float, time, text }

    /// Connects; throws ``MySQLServerError`` with the connector's error number.
    func connect(host: String, port: Int, user: String, password: String?, database: String?, tls: TLSMode) async throws {
        try await onQueue { [self] in
            guard Self.libraryReady, let mysql = mysql_init(nil) else {
                throw MySQLServerError(number: 0, state: "HY000", message: "the MariaDB Connector/C could not be initialised")
            }
            var timeout: UInt32 = 10
            mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
            _ = "utf8mb4".withCString { mysql_options(mysql, MYSQL_SET_CHARSET_NAME, $0) }
            var yes: my_bool = 1
            var no: my_bool = 0
            switch tls {
            case .disable:
                break
            case .require:
                mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes)
                mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no)
            case .verifyFull:
                mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes)
                mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes)
                _ = "/etc/ssl/certs".withCString { mysql_options(mysql, MYSQL_OPT_SSL_CAPATH, $0) }
            }
            guard mysql_real_connect(mysql, host, user, password, database, UInt32(port), nil, UInt(CLIENT_MULTI_STATEMENTS)) != nil else {
                let error = MySQLServerError(mysql)
                mysql_close(mysql)
                throw error
            }
            handle = mysql
        }
    }

    /// Runs `sql` (one or more statements), drains every result, and returns the rows of
    /// the first result set.
    func query(_ sql: String) async throws -> [[(name: String, kind: ColumnKind, value: String?)]] {
        try await onQueue { [self] in
            guard let mysql = handle else {
                throw MySQLServerError(number: 2006, state: "HY000", message: "the connection is closed")
            }
            let text = Array(sql.utf8CString)
            let status = text.withUnsafeBufferPointer { buffer in
                mysql_real_query(mysql, buffer.baseAddress, UInt(text.count - 1))
            }
            if status != 0 { throw MySQLServerError(mysql) }
            var first: [[(name: String, kind: ColumnKind, value: String?)]]?
            while true {
                if let result = mysql_store_result(mysql) {
                    let rows = Self.rows(of: result)
                    mysql_free_result(result)
                    if first == nil { first = rows }
                } else if mysql_field_count(mysql) != 0 {
                    throw MySQLServerError(mysql)
                }
                let next = mysql_next_result(mysql)
                if next > 0 { throw MySQLServerError(mysql) }
                if next != 0 { break }
            }
            return first ?? []
        }
    }

    /// `text` escaped for use inside a quoted string literal, for the connection's charset.
    func escape(_ text: String) async throws -> String {
        try await onQueue { [self] in
            guard let mysql = handle else { return text }
            let source = Array(text.utf8CString)
            var target = [CChar](repeating: 0, count: source.count * 2 + 1)
            let length = mysql_real_escape_string(mysql, &target, source, UInt(source.count - 1))
            return String(decoding: target.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The server's id for this connection (`CONNECTION_ID()`).
    func threadID() async throws -> UInt {
        try await onQueue { [self] in handle.map { mysql_thread_id($0) } ?? 0 }
    }

    func close() async {
        try? await onQueue { [self] in
            if let handle { mysql_close(handle) }
            handle = nil
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func rows(of result: UnsafeMutablePointer<MYSQL_RES>) -> [[(name: String, kind: ColumnKind, value: String?)]] {
        let count = Int(mysql_num_fields(result))
        guard count > 0, let fields = mysql_fetch_fields(result) else { return [] }
        let columns = (0..<count).map { index -> (String, ColumnKind) in
            let field = fields[index]
            return (String(cString: field.name), kind(of: field.type))
        }
        var rows: [[(name: String, kind: ColumnKind, value: String?)]] = []
        while let row = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
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

    init(_ mysql: UnsafeMutablePointer<MYSQL>) {
        number = mysql_errno(mysql)
        state = String(cString: mysql_sqlstate(mysql))
        message = String(cString: mysql_error(mysql))
    }
}
#endif
