/// A migration written in Swift: its identity and what `migrate` and `undo` do, through
/// the ``Schema`` API.
///
/// ```swift
/// struct CreateUsers: Migration {
///     let id = "20250519123045-create-users"
///
///     func up(_ schema: Schema) async throws {
///         try await schema.createTable("users", ifNotExists: true) {
///             Column.id()
///             Column("email", .string(255)).notNull().unique()
///             Column.timestamps()
///         }
///     }
///
///     func down(_ schema: Schema) async throws {
///         try await schema.dropTable("users", ifExists: true)
///     }
/// }
/// ```
///
/// Swift migrations and SQL files share one timeline, one history table and every command.
/// A migration must do its work through `schema` only: Strata also runs `up` and `down`
/// against a recording schema, which sees an empty database, to compute the checksum that
/// detects a changed migration.
public protocol Migration: Sendable {
    /// The version and the kebab-case name, as in `20250519123045-create-users`; written out,
    /// never derived from the type's name, so renaming the type changes nothing.
    var id: String { get }
    /// Whether the migration's statements and its history row commit in one transaction.
    /// `false` for statements that cannot run in one, such as
    /// `addIndex(..., concurrently: true)` on PostgreSQL. `true` by default.
    var runsInTransaction: Bool { get }
    /// Whether foreign keys are checked only when the transaction commits, as a SQL
    /// section's `foreign_keys:deferred` asks: for SQL run with ``Schema/execute(_:file:line:)``
    /// that rebuilds a SQLite table. Changes made through the API defer them when they need
    /// to by themselves. `false` by default.
    var defersForeignKeys: Bool { get }
    /// Applies the migration.
    func up(_ schema: Schema) async throws
    /// Reverts what ``up(_:)`` did. Throw ``IrreversibleMigration`` if it cannot be undone.
    func down(_ schema: Schema) async throws
}

extension Migration {
    /// Migrations run in a transaction unless they opt out.
    public var runsInTransaction: Bool { true }
    /// Foreign keys are checked statement by statement unless the migration opts out.
    public var defersForeignKeys: Bool { false }
}

/// Thrown by a ``Migration/down(_:)`` that cannot be undone. Strata finds out when it
/// loads the migration, so `undo` refuses before changing anything.
public struct IrreversibleMigration: Error, Sendable, Hashable {
    /// Creates the error.
    public init() {}
}
