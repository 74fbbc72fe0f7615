import Foundation
import Strata
import StrataCLI

/// A todo, as the servers answer it.
public struct Todo: Codable, Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// What to do.
    public var title: String
    /// `open`, `doing` or `done` (the column the third migration adds).
    public var status: String
}

/// Reads the todos the migrations' tables hold. It opens a connection per call through the
/// app's ``StrataDatabase`` so that the example runs unchanged on SQLite, PostgreSQL and
/// MySQL; a production server reads through its database library's pool.
public struct TodoStore: Sendable {
    /// The app's database.
    public let database: StrataDatabase

    /// A store over `database`.
    public init(database: StrataDatabase) {
        self.database = database
    }

    /// Every todo, by id.
    public func all() async throws -> [Todo] {
        try await database.withConnection { connection in
            try await connection.query("SELECT id, title, status FROM todos ORDER BY id", []).map { row in
                Todo(id: row["id"].integer ?? 0, title: row["title"].text ?? "", status: row["status"].text ?? "")
            }
        }
    }

    /// Every todo as JSON.
    public func allAsJSON() async throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(try await all())
    }
}
