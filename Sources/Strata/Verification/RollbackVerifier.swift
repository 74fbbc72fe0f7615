import Logging

/// Proves that every migration's down section undoes its up section, on a scratch database
/// (`strata verify`): never the environment's own.
///
/// It applies every migration from empty, one at a time, with a schema snapshot before and
/// after each; then, newest first, runs each down section and compares the schema with the
/// snapshot taken before its up, runs the up again and compares with the snapshot taken
/// after it, and runs the down again to go on down. A down that leaves something behind, or
/// removes or changes what was there before, is reported object by object; the up is then
/// not run again (it would stumble over what was left), and what was left is not blamed on
/// the older migrations below it.
public struct RollbackVerifier: Sendable {
    /// The migrations, in any order; they are applied in version order.
    public var migrations: [LoadedMigration]
    /// The driver of the scratch database.
    public var driver: any DatabaseDriver
    /// The scratch database: empty, and nobody else's.
    public var scratch: ConnectionSettings
    /// Where runs log.
    public var logger: Logger

    /// Creates a verifier over `scratch`, which must exist and be empty.
    public init(migrations: [LoadedMigration], driver: any DatabaseDriver, scratch: ConnectionSettings, logger: Logger) {
        self.migrations = migrations
        self.driver = driver
        self.scratch = scratch
        self.logger = logger
    }

    /// Runs the verification; `progress` hears each migration's result as it is known, the
    /// newest first.
    ///
    /// - Throws: ``StrataError`` (refused) when the scratch database is not empty; errors of
    ///   the migrations themselves are results, not thrown.
    public func verify(progress: @Sendable (RollbackCheck) -> Void = { _ in }) async throws -> RollbackReport {
        let migrator = Migrator(
            migrations: migrations,
            connect: { [driver, scratch, logger] purpose in try await driver.connect(scratch, for: purpose, logger: logger) },
            lockTimeout: .seconds(10), logger: logger
        )
        var before = try await snapshot()
        guard before.objects.isEmpty, try await migrator.status().allSatisfy({ $0.state == .pending }) else {
            throw StrataError(.refused, "The scratch database \(scratch.redactedDescription) is not empty; verify applies every migration from empty and changes nothing it did not make.",
                              hint: "Give an empty database with --scratch-url, or leave it out to have Strata create one and drop it afterwards.")
        }
        let ordered = migrations.sorted { $0.id < $1.id }
        var applied: [(migration: LoadedMigration, before: SchemaSnapshot, after: SchemaSnapshot)] = []
        var checks: [RollbackCheck] = []
        for migration in ordered {
            do {
                try await migrator.migrate(.init(step: 1))
            } catch {
                // The migrations below were applied; the one that failed, and those after it, cannot be checked.
                for id in ordered.map(\.id).reversed() where id >= migration.id {
                    let check = RollbackCheck(id, id == migration.id ? .failed(phase: .up, reason: Self.reason(error)) : .notVerified(because: migration.id))
                    checks.append(check)
                    progress(check)
                }
                break
            }
            let after = try await snapshot()
            applied.append((migration, before, after))
            before = after
        }
        var blamed = Set<SchemaSnapshot.Object>()
        var stoppedBy: MigrationID?
        for (migration, before, after) in applied.reversed() {
            let check = if let stoppedBy {
                RollbackCheck(migration.id, .notVerified(because: stoppedBy))
            } else {
                try await verify(migration, before: before, after: after, migrator: migrator, alreadyReported: &blamed)
            }
            if stoppedBy == nil, check.stopsVerification { stoppedBy = migration.id }
            checks.append(check)
            progress(check)
        }
        return RollbackReport(checks: checks.sorted { $0.id > $1.id })
    }

    /// Down, compared with `before`; if exact, up again compared with `after`, and down again.
    private func verify(
        _ migration: LoadedMigration, before: SchemaSnapshot, after: SchemaSnapshot, migrator: Migrator,
        alreadyReported blamed: inout Set<SchemaSnapshot.Object>
    ) async throws -> RollbackCheck {
        guard migration.body(.down) != nil else { return RollbackCheck(migration.id, .noDown) }
        do {
            try await migrator.undo(.last(1))
        } catch {
            return RollbackCheck(migration.id, .failed(phase: .down, reason: Self.reason(error)))
        }
        // What an earlier (newer) down left behind is that migration's finding, not this one's.
        let downDifferences = try await snapshot().differences(from: before).filter { !blamed.contains($0.object) }
        guard downDifferences.isEmpty else {
            blamed.formUnion(downDifferences.map(\.object))
            return RollbackCheck(migration.id, .downDiffers(downDifferences))
        }
        do {
            try await migrator.migrate(.init(step: 1))
        } catch {
            return RollbackCheck(migration.id, .failed(phase: .redo, reason: Self.reason(error)))
        }
        let redoDifferences = try await snapshot().differences(from: after)
        do {
            try await migrator.undo(.last(1))
        } catch {
            return RollbackCheck(migration.id, .failed(phase: .down, reason: Self.reason(error)))
        }
        return RollbackCheck(migration.id, redoDifferences.isEmpty ? .exact : .redoDiffers(redoDifferences))
    }

    private func snapshot() async throws -> SchemaSnapshot {
        try await SchemaSnapshot.read(scratch, driver: driver, logger: logger)
    }

    private static func reason(_ error: any Error) -> String {
        (error as? StrataError)?.message ?? "\(error)"
    }
}

/// What `strata verify` found of one migration.
public struct RollbackCheck: Sendable, Hashable {
    /// Where a migration failed.
    public enum Phase: String, Sendable, Hashable {
        /// Applying it from empty.
        case up
        /// Running its down section.
        case down
        /// Running its up section again after its down.
        case redo
    }

    /// The result.
    public enum Outcome: Sendable, Hashable {
        /// The down restored the schema as it was before the up, and the up run again made
        /// the schema it made the first time.
        case exact
        /// After the down, the schema differs from the one before the up: ``SchemaDifference/onlyHere(_:)``
        /// is left behind, ``SchemaDifference/onlyInReference(_:)`` removed too much,
        /// ``SchemaDifference/changed(_:reference:)`` not restored.
        case downDiffers([SchemaDifference])
        /// The down was exact, but the up run again made another schema than the first time.
        case redoDiffers([SchemaDifference])
        /// It has no down section: it, and every older migration, cannot be rolled back past it.
        case noDown
        /// Its SQL failed in `phase`.
        case failed(phase: Phase, reason: String)
        /// Not checked: the newer migration named could not be rolled back, or an older one failed to apply.
        case notVerified(because: MigrationID)
    }

    /// The migration.
    public var id: MigrationID
    /// What was found.
    public var outcome: Outcome

    /// Creates a check's result.
    public init(_ id: MigrationID, _ outcome: Outcome) {
        self.id = id
        self.outcome = outcome
    }

    /// Whether the rollback is proven exact.
    public var isExact: Bool { outcome == .exact }

    /// Whether older migrations cannot be checked after this one: it has no down, or its
    /// down or its second up failed, leaving the schema in a state nothing is known of.
    var stopsVerification: Bool {
        switch outcome {
        case .noDown, .failed: true
        case .exact, .downDiffers, .redoDiffers, .notVerified: false
        }
    }

    /// Lines for people: `down left behind index posts.idx_posts_title`, and so on.
    public var findings: [String] {
        switch outcome {
        case .exact: return []
        case .downDiffers(let differences):
            return differences.map { difference in
                let object = difference.object
                let subject = "\(object.kind.rawValue) \(object.name)"
                switch difference {
                case .onlyHere: return "its down left behind \(subject)" + (object.definition.isEmpty ? "" : ": \(object.definition)")
                case .onlyInReference: return "its down removed \(subject), which was there before its up"
                case .changed(let now, let before): return "its down did not restore \(subject): \(now.definition) instead of \(before.definition)"
                }
            }
        case .redoDiffers(let differences):
            return differences.map { "its up, run again after its down, made another schema: " + $0.description(here: "the second run", reference: "the first") }
        case .noDown:
            return ["it has no down section, so it cannot be rolled back; older migrations are not verified"]
        case .failed(let phase, let reason):
            let what = switch phase {
            case .up: "applying it from empty failed"
            case .down: "its down section failed"
            case .redo: "its up section, run again after its down, failed"
            }
            return ["\(what): \(reason)"]
        case .notVerified(let blocker):
            return ["not verified: \(blocker) could not be rolled back or applied"]
        }
    }
}

/// Every migration's ``RollbackCheck``, newest first.
public struct RollbackReport: Sendable, Hashable {
    /// The checks, newest first.
    public var checks: [RollbackCheck]

    /// Whether every rollback is proven exact.
    public var allExact: Bool { checks.allSatisfy(\.isExact) }
}
