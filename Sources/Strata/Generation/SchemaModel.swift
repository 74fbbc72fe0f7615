/// The schema as it should be, declared in Swift in the ``Schema`` API's terms — tables,
/// columns, indexes, foreign keys, enums — and registered with the embedding executable
/// beside its migrations:
///
/// ```swift
/// let model = SchemaModel { schema in
///     try await schema.createTable("users") {
///         Column.id()
///         Column("full_name", .string(length: 100)).notNull().renamed(from: "name")
///         Column("mood", .enumeration(typeName: "mood", values: ["sad", "ok", "happy"]))
///     }
///     try await schema.addIndex(on: "users", ["full_name"])
/// }
///
/// let migrations = MigrationRegistry([CreateUsers()], model: model)
/// ```
///
/// `strata generate NAME --from-schema` builds it on a scratch database, as each dialect
/// renders it, and writes the migration from the schema the migrations build to it;
/// `strata schema check --against-model` fails when they differ. A column marked
/// ``Column/renamed(from:)`` is renamed rather than dropped and added.
public struct SchemaModel: Sendable {
    /// Where the model is declared, for messages.
    public let file: String
    /// Declares the schema through `schema`, on an empty database.
    public let declare: @Sendable (Schema) async throws -> Void

    /// A model declared by `declare`, in the file at `file`.
    public init(file: String = #fileID, _ declare: @escaping @Sendable (Schema) async throws -> Void) {
        self.file = file
        self.declare = declare
    }
}
