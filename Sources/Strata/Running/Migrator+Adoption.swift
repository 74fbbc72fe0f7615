import Foundation

/// Adopting a database Strata did not migrate: `strata baseline` and `strata import`
/// record migrations as applied without running them, marked as baselined in the history.
extension Migrator {
    /// The migrations ``baseline(upTo:)`` would record, without recording them (`--dry-run`).
    public func baselinePlan(upTo target: MigrationReference?) async throws -> [LoadedMigration] {
        try await withConnectionForDryRun { connection in
            try await planner(connection).migrationsToBaseline(upTo: target)
        }
    }

    /// Records every migration up to `target` (default: the newest) as applied without
    /// running it, under the lock, in one transaction; returns them.
    ///
    /// - Throws: ``StrataError`` (refused) when `target` names no migration or one of them is
    ///   already applied or dirty; nothing is recorded then.
    @discardableResult
    public func baseline(upTo target: MigrationReference?) async throws -> [LoadedMigration] {
        try await withLockedSession(progress: { _ in }, plan: { planner, _ in
            let plan = try planner.migrationsToBaseline(upTo: target)
            return plan.isEmpty ? nil : plan
        }) { session, plan, _ in
            try await session.recordBaselined(plan)
            return plan
        } ?? []
    }

    /// What ``importHistory(from:allowUnmatched:)`` would record, without recording it.
    public func importPlan(from source: ForeignHistorySource) async throws -> ImportedHistory {
        try await withConnectionForDryRun { connection in
            try await planner(connection).matchImported(try await source.entries(over: connection, migrations: migrations))
        }
    }

    /// Reads another tool's history from the database and records the migrations it names
    /// as baselined, in one transaction under the lock. The other tool's table is left as
    /// it is.
    ///
    /// - Throws: ``StrataError`` — configuration when the table does not exist; refused when
    ///   entries match no migration (unless `allowUnmatched`, which records the matches
    ///   only) or golang-migrate's version is dirty. Nothing is recorded then.
    @discardableResult
    public func importHistory(from source: ForeignHistorySource, allowUnmatched: Bool = false) async throws -> ImportedHistory {
        let seen = ImportBox()
        try await withLockedSession(progress: { _ in }, plan: { planner, connection -> [LoadedMigration]? in
            let imported = planner.matchImported(try await source.entries(over: connection, migrations: migrations))
            seen.value = imported
            if !imported.unmatched.isEmpty, !allowUnmatched { throw unmatchedRefusal(imported, source: source) }
            return imported.matched.isEmpty ? nil : imported.matched
        }) { session, plan, _ in
            try await session.recordBaselined(plan)
        }
        return seen.value
    }

    private func unmatchedRefusal(_ imported: ImportedHistory, source: ForeignHistorySource) -> StrataError {
        let lines = imported.unmatched.map { row in
            "  \(row.entry): \(row.reason)" + (row.closest.map { " (closest: \($0.source))" } ?? "")
        }
        return StrataError(
            .refused,
            "Refusing to import \(source.table): \(imported.unmatched.count) of its rows \(imported.unmatched.count == 1 ? "matches" : "match") no \(vocabulary.noun), so nothing was recorded.\n"
                + lines.joined(separator: "\n"),
            hint: "Name the \(vocabulary.noun) files after the rows (the same 14-digit version and name), "
                + "or pass --allow-unmatched to record the \(imported.matched.count) that match and leave the rest."
        )
    }
}

/// The last import plan made, kept for the caller's report.
private final class ImportBox: @unchecked Sendable {
    // Written by the plan closure, which runs one call at a time, and read after it.
    var value = ImportedHistory()
}
