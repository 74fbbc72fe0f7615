import Foundation
import Logging

/// The schema the migrations build, beside the declared one (``DeclaredSchema``), each on a
/// scratch database of its own so that both are in the database's own normal form: no
/// difference comes from how a type or a default is spelled. What `strata generate
/// --from-schema` writes its migration from, and what `strata schema check --against-model`
/// compares. The environment's own database is never touched; the scratch databases are
/// dropped afterwards, whatever happens.
public struct ModelComparison: Sendable {
    /// The migrations, applied from empty to build the current schema.
    public var migrations: [LoadedMigration]
    /// The declared schema.
    public var model: DeclaredSchema
    /// The driver of the scratch databases.
    public var driver: any DatabaseDriver
    /// The environment's database, beside which the scratch databases are made.
    public var settings: ConnectionSettings
    /// Where runs log.
    public var logger: Logger

    /// Creates a comparison.
    public init(migrations: [LoadedMigration], model: DeclaredSchema, driver: any DatabaseDriver, settings: ConnectionSettings, logger: Logger) {
        self.migrations = migrations
        self.model = model
        self.driver = driver
        self.settings = settings
        self.logger = logger
    }

    /// A migration `generate --from-schema` writes: its steps both ways, and its file's text.
    public struct GeneratedMigration: Sendable, Hashable {
        /// The up section: the schema the migrations build → the declared one.
        public var up: [SchemaTransition.Step]
        /// The down section: back.
        public var down: [SchemaTransition.Step]
        /// The migration file's text.
        public var text: String
    }

    /// How the schema the migrations build differs from the declared one:
    /// ``SchemaDifference/onlyHere(_:)`` is only in what the migrations build.
    /// - Throws: ``StrataError`` when a migration fails on the scratch database, or the
    ///   declared schema cannot be built (naming its file and line).
    public func differences() async throws -> [SchemaDifference] {
        try await withBothSchemas { current, declared, _, _ in current.differences(from: declared) }
    }

    /// The migration from the schema the migrations build to the declared one, called
    /// `name`; `nil` when the migrations already build the declared schema.
    /// - Throws: as ``differences()``, and ``StrataError`` for a change the dialect cannot write.
    public func migration(name: String) async throws -> GeneratedMigration? {
        try await withBothSchemas { current, declared, currentDatabase, declaredDatabase in
            guard current != declared else { return nil }
            let dialect = try Self.schemaDialect(of: currentDatabase)
            let (up, down) = try await steps(from: (current, currentDatabase), to: (declared, declaredDatabase), dialect: dialect)
            let options = { (steps: [SchemaTransition.Step]) in dialect.sectionOptions(for: steps.flatMap(\.statements)) }
            return GeneratedMigration(
                up: up, down: down,
                text: Self.text(name: name, modelFile: model.file, up: (up, options(up)), down: (down, options(down)))
            )
        }
    }

    /// The up and down steps between the schema the migrations build and the declared one.
    func steps(
        from current: (snapshot: SchemaSnapshot, database: any DatabaseConnection),
        to declared: (snapshot: SchemaSnapshot, database: any DatabaseConnection), dialect: any SchemaDialect
    ) async throws -> (up: [SchemaTransition.Step], down: [SchemaTransition.Step]) {
        let advice = { @Sendable (rename: DeclaredSchema.ColumnRename) in model.renameAdvice(rename) }
        let up = try await SchemaTransition(from: current.snapshot, to: declared.snapshot, renames: model.renames, renameAdvice: advice)
            .steps(dialect, from: current.database, to: declared.database)
        let down = try await SchemaTransition(from: declared.snapshot, to: current.snapshot, renames: model.renames.map(\.reversed), renameAdvice: advice)
            .steps(dialect, from: declared.database, to: current.database)
            .filter { !$0.statements.isEmpty } // the notes of possible renames are the up section's
        return (up, down)
    }

    static func schemaDialect(of database: any DatabaseConnection) throws -> any SchemaDialect {
        guard let dialect = database.dialect.schemaDialect else {
            throw StrataError.unsupported("Generating migrations", dialect: database.dialect.name, workaround: "write the migration by hand.")
        }
        return dialect
    }

    /// Builds the current schema and the declared one on two scratch databases and runs
    /// `body` with their snapshots and open connections to them.
    func withBothSchemas<T: Sendable>(
        _ body: (SchemaSnapshot, SchemaSnapshot, any DatabaseConnection, any DatabaseConnection) async throws -> T
    ) async throws -> T {
        try await driver.withScratchDatabase(beside: settings, logger: logger) { currentSettings in
            try await applyMigrations(on: currentSettings)
            return try await driver.withScratchDatabase(beside: settings, logger: logger) { declaredSettings in
                let declaredDatabase = try await driver.connect(declaredSettings, for: .change, logger: logger)
                return try await declaredDatabase.closeAfter {
                    try await model.build(on: declaredDatabase)
                    let currentDatabase = try await driver.connect(currentSettings, for: .read, logger: logger)
                    return try await currentDatabase.closeAfter {
                        guard let dialect = currentDatabase.dialect.schemaDialect else {
                            throw StrataError.unsupported("Schema snapshots", dialect: currentDatabase.dialect.name, workaround: "compare the schemas by hand.")
                        }
                        let current = try await dialect.snapshot(in: currentDatabase)
                        let declared = try await dialect.snapshot(in: declaredDatabase)
                        try model.checkReferences(declared)
                        return try await body(current, declared, currentDatabase, declaredDatabase)
                    }
                }
            }
        }
    }

    /// Applies every migration to the scratch database `scratch`.
    func applyMigrations(on scratch: ConnectionSettings) async throws {
        let migrator = Migrator(
            migrations: migrations,
            connect: { [driver, logger] purpose in try await driver.connect(scratch, for: purpose, logger: logger) },
            lockTimeout: .seconds(10), logger: logger
        )
        do {
            _ = try await migrator.migrate()
        } catch let error as StrataError {
            throw StrataError(error.code, "The migrations do not apply from empty on a scratch database: \(error.message)",
                              hint: "Fix the migration first; the schema it builds is what the declared schema is compared with. Nothing was written.")
        }
    }

    /// The migration file: a header, then each section's steps with their comments.
    static func text(
        name: String, modelFile: String, up: (steps: [SchemaTransition.Step], options: [String]), down: (steps: [SchemaTransition.Step], options: [String])
    ) -> String {
        let section = { (steps: [SchemaTransition.Step]) -> String in
            steps.map { step in
                let comment = "-- " + step.comment
                return step.statements.isEmpty ? comment : comment + "\n" + step.statements.map { Self.terminated($0) }.joined(separator: "\n")
            }.joined(separator: "\n\n")
        }
        return """
            -- Migration: \(name)
            -- Written by `strata generate --from-schema` from \(modelFile): the up section turns the
            -- schema the migrations build into the declared one, the down section turns it back.
            -- Read it before committing it: `strata verify` proves its down, `strata lint` flags
            -- steps that lock or lose data.

            -- migrate:up\(up.options.map { " " + $0 }.joined())
            \(section(up.steps))

            -- migrate:down\(down.options.map { " " + $0 }.joined())
            \(section(down.steps))

            """
    }

    /// `statement` ending with a semicolon.
    private static func terminated(_ statement: String) -> String {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasSuffix(";") ? trimmed : trimmed + ";"
    }
}
