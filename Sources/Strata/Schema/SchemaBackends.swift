import Foundation

/// Renders each change for the database's dialect and hands the statements to the run,
/// which executes and tracks them like a SQL file's.
struct DatabaseSchemaBackend: SchemaBackend {
    let dialect: any SchemaDialect
    let context: SchemaContext
    let run: @Sendable (SQLStatement) async throws -> Void

    var dialectName: String { dialect.sqlDialect.name }

    func apply(_ change: SchemaChange, file: String, line: Int) async throws {
        let statements: [SQLStatement]
        do {
            statements = try await dialect.statements(for: change, in: context)
        } catch let error as StrataError {
            throw StrataError(error.code, "\(file):\(line): \(error.message)", hint: error.hint, underlying: error.underlying)
        }
        for var statement in statements {
            statement.file = file
            statement.line = line
            try await run(statement)
        }
    }

    func tables() async throws -> [String] { try await dialect.tables(in: context.database) }
    func columns(of table: String) async throws -> [ColumnDescription] { try await dialect.columns(of: table, in: context.database) }
    func indexes(of table: String) async throws -> [IndexDescription] { try await dialect.indexes(of: table, in: context.database) }
}

/// Records the changes a migration makes without a database, for its checksum; its
/// introspection sees an empty database.
final class RecordingSchemaBackend: SchemaBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [SchemaChange] = []

    var dialectName: String { "recording" }

    /// The changes recorded so far.
    var changes: [SchemaChange] { lock.withLock { recorded } }

    func apply(_ change: SchemaChange, file: String, line: Int) async throws {
        lock.withLock { recorded.append(change) }
    }

    func tables() async throws -> [String] { [] }
    func columns(of table: String) async throws -> [ColumnDescription] { [] }
    func indexes(of table: String) async throws -> [IndexDescription] { [] }
}
