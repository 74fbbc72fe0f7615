import Foundation
import Logging

extension ModelComparison {
    /// A Swift migration `generate --from-schema --swift` writes: each step of the transition
    /// as ``Schema`` API changes, or as its SQL where the API cannot say it exactly.
    public struct GeneratedSwiftMigration: Sendable, Hashable {
        /// One step of `up` or `down`.
        public struct Step: Sendable, Hashable {
            /// What the step does, for people.
            public var comment: String
            /// The changes, in order; ``SchemaChange/sql(_:)`` alone where ``keepsSQL``.
            public var changes: [SchemaChange]
            /// Whether the step is the dialect's SQL, run with `schema.execute`.
            public var keepsSQL: Bool
            /// Whether the step is a note for people (a possible rename), with no change.
            public var isNote: Bool
        }

        /// `up`: the schema the migrations build → the declared one.
        public var up: [Step]
        /// `down`: back.
        public var down: [Step]
        /// Whether SQL kept in a step needs foreign keys checked only at commit (a SQLite rebuild).
        public var defersForeignKeys: Bool
        /// The declared schema's file, named in the header.
        public var modelFile: String
        /// The dialect the SQL kept in steps is written for.
        public var dialectName: String

        /// The steps, both ways, kept as SQL.
        public var stepsKeepingSQL: [Step] { (up + down).filter(\.keepsSQL) }

        /// The migration as ``SwiftMigrationLoader`` loads it, with id `id`.
        public func loaded(id: MigrationID) async throws -> LoadedMigration {
            try await SwiftMigrationLoader.load(ReplayedMigration(id: id.description, migration: self, progress: nil))
        }

        /// The Swift file declaring migration `id` as type `typeName`.
        public func source(id: MigrationID, typeName: String) -> String {
            func body(_ steps: [Step]) -> String {
                steps.map { step in
                    var lines = ["// " + step.comment]
                    if step.keepsSQL { lines.append("// (SQL for \(dialectName): the Schema API cannot say this step exactly.)") }
                    lines += step.changes.flatMap(SchemaChangeSource.statement)
                    return SchemaChangeSource.indented(lines, levels: 2).joined(separator: "\n")
                }.joined(separator: "\n\n")
            }
            let kept = stepsKeepingSQL.count
            let sqlNote = kept == 0 ? "" : "\n/// \(kept) of its steps are SQL for \(dialectName), where the Schema API cannot say them exactly."
            return """
                import Strata

                /// Migration \(id.name), written by `strata generate --from-schema --swift` from
                /// \(modelFile): `up` turns the schema the migrations build into the declared one, and
                /// `down` turns it back. Strata ran both on a scratch database before writing it.\(sqlNote)
                /// Read it before committing it: `strata verify` proves its down, `strata lint` flags
                /// steps that lock or lose data.
                struct \(typeName): Migration {
                    let id = "\(id)"\(defersForeignKeys ? "\n    let defersForeignKeys = true" : "")

                    func up(_ schema: Schema) async throws {
                \(body(up))
                    }

                    func down(_ schema: Schema) async throws {
                \(body(down))
                    }
                }

                """
        }
    }

    /// The migration from the schema the migrations build to the declared one as a Swift
    /// migration; `nil` when the migrations already build the declared schema.
    ///
    /// Before it is returned, it is proven: on a scratch database beside the others, the
    /// migrations are applied, then its `up` (which must make the declared schema exactly)
    /// and its `down` (which must restore the schema before it). A step whose changes fail
    /// or miss keeps its SQL instead, and the proof runs again.
    /// - Throws: as ``migration(name:)``.
    public func swiftMigration() async throws -> GeneratedSwiftMigration? {
        try await withBothSchemas { current, declared, currentDatabase, declaredDatabase in
            guard current != declared else { return nil }
            let dialect = try Self.schemaDialect(of: currentDatabase)
            let (upSteps, downSteps) = try await steps(from: (current, currentDatabase), to: (declared, declaredDatabase), dialect: dialect)
            let forward = SchemaChangeTranslation(dialect: dialect, source: (current, currentDatabase), target: (declared, declaredDatabase))
            let backward = SchemaChangeTranslation(dialect: dialect, source: (declared, declaredDatabase), target: (current, currentDatabase))
            var keptUp = Set<Int>()
            var keptDown = Set<Int>()
            for _ in 0..<Self.proofRounds {
                let candidate = Self.migration(
                    up: (upSteps, try await forward.changes(for: upSteps, keepingSQL: keptUp)),
                    down: (downSteps, try await backward.changes(for: downSteps, keepingSQL: keptDown)),
                    dialect: dialect, modelFile: model.file
                )
                let misses = try await prove(candidate, up: upSteps, down: downSteps, current: current, declared: declared, dialect: dialect)
                if misses.up.isEmpty && misses.down.isEmpty { return candidate }
                keptUp.formUnion(misses.up)
                keptDown.formUnion(misses.down)
            }
            // Every step as SQL: the SQL migration's own statements.
            return Self.migration(
                up: (upSteps, upSteps.map { _ in nil }), down: (downSteps, downSteps.map { _ in nil }), dialect: dialect, modelFile: model.file
            )
        }
    }

    /// How many times a candidate is proven before every step keeps its SQL.
    static let proofRounds = 3

    private static func migration(
        up: (steps: [SchemaTransition.Step], changes: [[SchemaChange]?]), down: (steps: [SchemaTransition.Step], changes: [[SchemaChange]?]),
        dialect: any SchemaDialect, modelFile: String
    ) -> GeneratedSwiftMigration {
        func written(_ steps: [SchemaTransition.Step], _ changes: [[SchemaChange]?]) -> [GeneratedSwiftMigration.Step] {
            zip(steps, changes).map { step, changes in
                let isNote = step.statements.isEmpty
                guard let changes else {
                    return .init(comment: step.comment, changes: step.statements.map { .sql(SQLText(stringLiteral: $0)) }, keepsSQL: !isNote, isNote: isNote)
                }
                // A step the changes before it did already (an enum type dropped with its last column).
                let comment = changes.isEmpty && !isNote ? step.comment + ": done by the changes above" : step.comment
                return .init(comment: comment, changes: changes, keepsSQL: false, isNote: isNote)
            }
        }
        let keptStatements = zip(up.steps + down.steps, up.changes + down.changes).filter { $0.1 == nil }.flatMap(\.0.statements)
        return GeneratedSwiftMigration(
            up: written(up.steps, up.changes), down: written(down.steps, down.changes),
            defersForeignKeys: dialect.sectionOptions(for: keptStatements).contains("foreign_keys:deferred"),
            modelFile: modelFile, dialectName: dialect.sqlDialect.name
        )
    }

    /// The steps of `candidate` that failed or missed, up and down; both empty when it
    /// builds the declared schema and its down restores the current one.
    private func prove(
        _ candidate: GeneratedSwiftMigration, up: [SchemaTransition.Step], down: [SchemaTransition.Step],
        current: SchemaSnapshot, declared: SchemaSnapshot, dialect: any SchemaDialect
    ) async throws -> (up: Set<Int>, down: Set<Int>) {
        try await driver.withScratchDatabase(beside: settings, logger: logger) { scratch in
            try await applyMigrations(on: scratch)
            let progress = StepProgress()
            let version = migrations.map(\.id.version).max()?.next() ?? MigrationVersion(date: Date())
            let replayed = ReplayedMigration(id: MigrationID(version: version, name: "generated").description, migration: candidate, progress: progress)
            let migrator = Migrator(
                migrations: migrations + [try await SwiftMigrationLoader.load(replayed)],
                connect: { [driver, logger] purpose in try await driver.connect(scratch, for: purpose, logger: logger) },
                lockTimeout: .seconds(10), logger: logger
            )
            let snapshot = { [driver, logger] in
                let database = try await driver.connect(scratch, for: .read, logger: logger)
                return try await database.closeAfter { try await dialect.snapshot(in: database) }
            }
            let translated = { (steps: [GeneratedSwiftMigration.Step]) in Set(steps.indices.filter { !steps[$0].keepsSQL }) }
            do {
                _ = try await migrator.migrate()
            } catch {
                logger.debug("A generated Swift migration's up failed on the scratch database: \(error)")
                return (progress.failed(among: translated(candidate.up)), [])
            }
            let afterUp = try await snapshot()
            if afterUp != declared {
                return (Self.steps(up, touching: afterUp.differences(from: declared), among: translated(candidate.up)), [])
            }
            progress.restart()
            do {
                _ = try await migrator.undo()
            } catch {
                logger.debug("A generated Swift migration's down failed on the scratch database: \(error)")
                return ([], progress.failed(among: translated(candidate.down)))
            }
            let afterDown = try await snapshot()
            if afterDown != current {
                return ([], Self.steps(down, touching: afterDown.differences(from: current), among: translated(candidate.down)))
            }
            return ([], [])
        }
    }

    /// The steps of `candidates` about an object that differs (by table), or all of them
    /// when none is.
    private static func steps(_ steps: [SchemaTransition.Step], touching differences: [SchemaDifference], among candidates: Set<Int>) -> Set<Int> {
        let names = Set(differences.map { SchemaTransition.table(of: $0.object) ?? $0.object.name })
        let touching = candidates.filter { number in
            switch steps[number].subject {
            case .note: false
            case .create(let object), .remove(let object), .replace(let object, _): names.contains(SchemaTransition.table(of: object) ?? object.name)
            case .alterBeforeNewTables(let alteration), .alterAfterNewTables(let alteration): names.contains(alteration.table)
            }
        }
        return touching.isEmpty ? candidates : touching
    }
}

/// Which step a replayed migration is at, so that the one that fails is known.
private final class StepProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int?

    func enter(_ step: Int) { lock.withLock { current = step } }
    func restart() { lock.withLock { current = nil } }

    /// The step that was running, if it is one of `candidates`; else all of them.
    func failed(among candidates: Set<Int>) -> Set<Int> {
        guard let step = lock.withLock({ current }), candidates.contains(step) else { return candidates }
        return [step]
    }
}

/// A ``ModelComparison/GeneratedSwiftMigration`` as a ``Migration``, making its changes in order.
private struct ReplayedMigration: Migration {
    let id: String
    let migration: ModelComparison.GeneratedSwiftMigration
    let progress: StepProgress?

    var defersForeignKeys: Bool { migration.defersForeignKeys }

    func up(_ schema: Schema) async throws { try await replay(migration.up, on: schema) }
    func down(_ schema: Schema) async throws { try await replay(migration.down, on: schema) }

    private func replay(_ steps: [ModelComparison.GeneratedSwiftMigration.Step], on schema: Schema) async throws {
        for (number, step) in steps.enumerated() {
            progress?.enter(number)
            for change in step.changes {
                try await schema.backend.apply(change, file: "generated migration, step \(number + 1)", line: 0)
            }
        }
    }
}
