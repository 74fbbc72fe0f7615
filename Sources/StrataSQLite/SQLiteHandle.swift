import Strata
import VaporCSQLite

/// One `sqlite3` connection, used through SQLite's C API (the copy SQLiteNIO bundles)
/// synchronously, on the connection's own thread (``ConnectionThread``): a migration's
/// statements then run one after another with no thread switch between them.
final class SQLiteHandle: @unchecked Sendable {
    // Only ever used from the connection's thread; `@unchecked` for that reason.
    private var raw: OpaquePointer?

    /// Opens (creating it if needed) the database at `path`, or `:memory:`.
    init(path: String) throws(DatabaseError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            throw DatabaseError(message: message, code: Self.codeName(status))
        }
        raw = handle
    }

    deinit { sqlite_nio_sqlite3_close(raw) }

    /// Runs one statement with `binds` and returns its rows.
    func query(_ sql: String, _ binds: [DatabaseValue]) throws(DatabaseError) -> [DatabaseRow] {
        guard let raw else { throw DatabaseError(message: "the connection is closed", code: "SQLITE_MISUSE") }
        var statement: OpaquePointer?
        var status = sqlite_nio_sqlite3_prepare_v2(raw, sql, -1, &statement, nil)
        guard status == SQLITE_OK else { throw error(status) }
        // An empty statement (only a comment) prepares to nothing.
        guard let statement else { return [] }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        for (offset, value) in binds.enumerated() {
            status = bind(value, at: Int32(offset + 1), in: statement)
            guard status == SQLITE_OK else { throw error(status) }
        }
        let columnCount = sqlite_nio_sqlite3_column_count(statement)
        let names = (0..<columnCount).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
        var rows: [DatabaseRow] = []
        while true {
            status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw error(status) }
            rows.append(DatabaseRow(names: names, values: (0..<columnCount).map { value(at: $0, in: statement) }))
        }
    }

    /// Closes the connection; later calls fail.
    func close() {
        sqlite_nio_sqlite3_close(raw)
        raw = nil
    }

    private func bind(_ value: DatabaseValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .integer(let number): return sqlite_nio_sqlite3_bind_int64(statement, index, number)
        case .double(let number): return sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .text(let text): return sqlite_nio_sqlite3_bind_text(statement, index, text, -1, Self.transient)
        case .timestamp(let date): return sqlite_nio_sqlite3_bind_text(statement, index, ISO8601Timestamp.format(date), -1, Self.transient)
        }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> DatabaseValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite_nio_sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .double(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_NULL: return .null
        default:
            // Text, and blobs read as text (Strata stores none).
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return .null }
            return .text(String(cString: bytes))
        }
    }

    private func error(_ status: Int32) -> DatabaseError {
        let message = raw.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(status)"
        let extended = raw.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? status
        return DatabaseError(message: message, code: Self.codeName(extended))
    }

    /// `SQLITE_TRANSIENT`: SQLite copies a bound value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The name of a result code, e.g. `SQLITE_CONSTRAINT_FOREIGNKEY`, for messages.
    static func codeName(_ code: Int32) -> String {
        let primary: [Int32: String] = [
            SQLITE_ERROR: "ERROR", SQLITE_INTERNAL: "INTERNAL", SQLITE_PERM: "PERM", SQLITE_ABORT: "ABORT", SQLITE_BUSY: "BUSY",
            SQLITE_LOCKED: "LOCKED", SQLITE_NOMEM: "NOMEM", SQLITE_READONLY: "READONLY", SQLITE_INTERRUPT: "INTERRUPT",
            SQLITE_IOERR: "IOERR", SQLITE_CORRUPT: "CORRUPT", SQLITE_NOTFOUND: "NOTFOUND", SQLITE_FULL: "FULL",
            SQLITE_CANTOPEN: "CANTOPEN", SQLITE_PROTOCOL: "PROTOCOL", SQLITE_SCHEMA: "SCHEMA", SQLITE_TOOBIG: "TOOBIG",
            SQLITE_CONSTRAINT: "CONSTRAINT", SQLITE_MISMATCH: "MISMATCH", SQLITE_MISUSE: "MISUSE", SQLITE_AUTH: "AUTH",
            SQLITE_RANGE: "RANGE", SQLITE_NOTADB: "NOTADB",
        ]
        let constraint: [Int32: String] = [
            1: "CHECK", 3: "FOREIGNKEY", 5: "NOTNULL", 6: "PRIMARYKEY", 8: "UNIQUE", 10: "ROWID", 2: "COMMITHOOK", 4: "FUNCTION",
            7: "TRIGGER", 9: "VTAB", 11: "PINNED", 12: "DATATYPE",
        ]
        let base = primary[code & 0xFF] ?? "\(code & 0xFF)"
        if code & 0xFF == SQLITE_CONSTRAINT, let detail = constraint[code >> 8] { return "SQLITE_CONSTRAINT_\(detail)" }
        return "SQLITE_\(base)"
    }
}
