import Foundation

/// Decides what a command does, from the migrations on disk and the history table.
/// Pure: it reads nothing and runs nothing, so `--dry-run` and the real run share it.
public struct MigrationPlanner: Sendable {
    /// The migrations on disk, in version order.
    public let migrations: [LoadedMigration]
    /// The history table's records.
    public let history: [HistoryRecord]
    /// Migrations that started and did not finish (dirty).
    public let progress: [MigrationProgress]
    /// The words for messages.
    public let vocabulary: RunVocabulary
    /// Who holds the migration lock, when `status` asked: the progress rows are then that
    /// run's work in progress (``MigrationState/running``), not dirty.
    public let lockHolder: String?

    /// Creates a planner.
    public init(
        migrations: [LoadedMigration], history: [HistoryRecord], progress: [MigrationProgress] = [],
        vocabulary: RunVocabulary = .migrations, lockHolder: String? = nil
    ) {
        self.migrations = migrations.sorted { $0.id < $1.id }
        self.history = history
        self.progress = progress
        self.vocabulary = vocabulary
        self.lockHolder = lockHolder
    }

    /// Every migration known to either side, in version order, with its state.
    public func status() -> [MigrationStatusEntry] {
        var records = [MigrationVersion: HistoryRecord](minimumCapacity: history.count)
        for record in history where records[record.version] == nil {
            records[record.version] = record
        }
        var entries: [MigrationStatusEntry] = []
        entries.reserveCapacity(max(migrations.count, history.count) + progress.count)
        var onDisk = Set<MigrationVersion>(minimumCapacity: migrations.count)
        for migration in migrations {
            onDisk.insert(migration.id.version)
            guard let record = records[migration.id.version] else {
                entries.append(MigrationStatusEntry(id: migration.id, state: .pending, migration: migration, record: nil))
                continue
            }
            let state: MigrationState = record.checksum != migration.checksum ? .changed : record.baselined ? .baseline : .applied
            entries.append(MigrationStatusEntry(id: migration.id, state: state, migration: migration, record: record))
        }
        // Migrations come in version order: entries need sorting only once others join them.
        var inOrder = entries.indices.dropFirst().allSatisfy { entries[$0 - 1].id.version < entries[$0].id.version }
        for record in history where !onDisk.contains(record.version) {
            entries.append(MigrationStatusEntry(id: record.id, state: .missing, migration: nil, record: record))
            inOrder = false
        }
        // While a run holds the lock, the progress rows are its work in progress.
        let progressState: MigrationState = lockHolder == nil ? .dirty : .running
        for dirty in progress {
            if let index = entries.firstIndex(where: { $0.id.version == dirty.version }) {
                entries[index].state = progressState
                entries[index].progress = dirty
            } else {
                entries.append(MigrationStatusEntry(id: dirty.id, state: progressState, migration: nil, record: nil, progress: dirty))
                inOrder = false
            }
        }
        if !inOrder { entries.sort { $0.id < $1.id } }
        return entries
    }

    /// The migrations `migrate` applies, in order.
    ///
    /// - Parameters:
    ///   - target: apply pending migrations up to and including this version.
    ///   - step: apply at most this many.
    ///   - allowChanged: proceed although an applied migration's file changed.
    ///   - allowMissing: proceed although an applied migration's file is gone.
    ///   - resume: continue a dirty migration from the statement after the last one that
    ///     completed, instead of refusing.
    /// - Throws: ``StrataError`` — `refused` for changed or missing migrations,
    ///   `configuration` for a target version that no migration has.
    public func migrationsToApply(
        target: MigrationReference? = nil, step: Int? = nil, allowChanged: Bool = false, allowMissing: Bool = false,
        resume: Bool = false
    ) throws -> [LoadedMigration] {
        let entries = status()
        try refuseChangedOrMissing(entries, allowChanged: allowChanged, allowMissing: allowMissing, direction: .up)
        let resumable = try refuseDirty(entries, resuming: resume ? .up : nil, among: entries, direction: .up)
        if let target { try requireKnown(target, in: entries) }
        var pending = entries.filter { $0.state == .pending || resumable.contains($0.id.version) }.compactMap(\.migration)
        if let target { pending = pending.filter { $0.id.version <= target.version } }
        if let step { pending = Array(pending.prefix(max(0, step))) }
        return pending
    }

    /// How far `undo` goes back.
    public enum UndoTarget: Sendable, Hashable {
        /// The last `count` applied migrations.
        case last(Int)
        /// Every applied migration newer than this one; it stays applied.
        case to(MigrationReference)
        /// Every applied migration.
        case all
    }

    /// The migrations `undo` reverts, newest first.
    ///
    /// - Throws: ``StrataError`` — `refused` when one of them is missing, changed (unless
    ///   `allowChanged`) or has no `down` section; `configuration` for an unknown target.
    ///   - allowBaseline: revert migrations recorded by `baseline` or `import` too, whose down
    ///     sections never ran on this database.
    public func migrationsToUndo(
        _ target: UndoTarget, allowChanged: Bool = false, resume: Bool = false, allowBaseline: Bool = false
    ) throws -> [LoadedMigration] {
        let entries = status()
        let applied = entries.filter { $0.record != nil }.reversed()
        let chosen: [MigrationStatusEntry]
        switch target {
        case .last(let count): chosen = Array(applied.prefix(max(0, count)))
        case .all: chosen = Array(applied)
        case .to(let reference):
            try requireKnown(reference, in: entries)
            guard let kept = entries.first(where: { $0.id.version == reference.version }), kept.record != nil else {
                let id = entries.first { $0.id.version == reference.version }?.id.description ?? reference.description
                throw StrataError.configuration(
                    "\(vocabulary.capitalizedNoun) \(id) is not applied, so `\(vocabulary.command(.down)) --to \(reference.version)` cannot leave it applied.",
                    hint: "--to VERSION reverts the \(vocabulary.noun)s applied after VERSION and keeps VERSION applied: name an applied one (`strata status` lists them), or use --all to revert every one. Nothing was changed."
                )
            }
            chosen = applied.filter { $0.id.version > reference.version }
        }
        try refuseChangedOrMissing(chosen, allowChanged: allowChanged, allowMissing: false, direction: .down)
        if !allowBaseline {
            let baselined = chosen.filter { $0.record?.baselined == true }
            if !baselined.isEmpty {
                throw StrataError(
                    .refused,
                    "Refusing to undo \(baselined.map(\.id.description).joined(separator: ", ")): recorded by `strata baseline` or `strata import`, "
                        + "\(baselined.count == 1 ? "it was" : "they were") never run on this database, so \(baselined.count == 1 ? "its" : "their") down section was never proven here.",
                    hint: "Check the down section against this database, then pass --allow-baseline to undo it all the same. Nothing was changed."
                )
            }
        }
        _ = try refuseDirty(entries, resuming: resume ? .down : nil, among: chosen, direction: .down)
        return try chosen.compactMap(\.migration).map { migration in
            guard migration.down != nil else {
                throw StrataError(
                    .refused,
                    "\(vocabulary.capitalizedNoun) \(migration.id) cannot be undone: \(migration.source) has no `-- migrate:down` section.",
                    hint: "Add a `-- migrate:down` section with the statements that revert it (an empty section undoes nothing). Nothing was undone."
                )
            }
            return migration
        }
    }

    private func refuseChangedOrMissing(
        _ entries: [MigrationStatusEntry], allowChanged: Bool, allowMissing: Bool, direction: MigrationDirection
    ) throws {
        let changed = entries.filter { $0.state == .changed }
        let missing = entries.filter { $0.state == .missing }
        var lines: [String] = []
        if !allowChanged {
            lines += changed.map { "  changed: \($0.migration?.source ?? $0.id.description) was modified after it was applied" }
        }
        if !allowMissing {
            lines += missing.map { "  missing: \($0.id) is applied but its file is gone" }
        }
        guard !lines.isEmpty else { return }
        var hints: [String] = []
        if !allowChanged, !changed.isEmpty {
            hints.append("A shipped \(vocabulary.noun) should not be edited: restore the file and write a new \(vocabulary.noun) for the change, or rerun with --allow-changed if the edit is harmless (comments, formatting).")
        }
        if !missing.isEmpty {
            hints.append(direction == .down
                ? "Restore the missing file from version control to undo it."
                : "Restore the missing file from version control, or rerun with --allow-missing.")
        }
        throw StrataError(
            .refused,
            "Refusing to run `\(vocabulary.command(direction))`: applied \(vocabulary.noun)s do not match their files.\n" + lines.joined(separator: "\n"),
            hint: hints.joined(separator: "\n") + " Nothing was changed."
        )
    }

    /// Refuses while a migration is dirty, unless it is being resumed: `resuming` is the
    /// direction the command resumes and `candidates` the entries it would run. Returns the
    /// versions that will be resumed.
    private func refuseDirty(
        _ entries: [MigrationStatusEntry], resuming resumedDirection: MigrationDirection?, among candidates: [MigrationStatusEntry],
        direction: MigrationDirection
    ) throws -> Set<MigrationVersion> {
        let dirty = entries.filter { $0.state == .dirty }
        let candidateVersions = Set(candidates.map(\.id.version))
        let resumable = dirty.filter { entry in
            entry.progress?.direction == resumedDirection && candidateVersions.contains(entry.id.version) && entry.migration != nil
        }
        let blocking = dirty.filter { entry in !resumable.contains { $0.id == entry.id } }
        guard !blocking.isEmpty else { return Set(resumable.map(\.id.version)) }
        let lines = blocking.map { entry in
            "  dirty: \(entry.migration?.source ?? entry.id.description) \(entry.progress?.summary ?? "did not finish")"
        }
        let choices = blocking.map { entry in
            let version = entry.id.version
            let resumeCommand = vocabulary.command(entry.progress?.direction ?? .up) + " --resume"
            func line(_ command: String, _ explanation: String) -> String {
                "  " + command.padding(toLength: 46, withPad: " ", startingAt: 0) + explanation
            }
            return [
                line("\(vocabulary.resolveCommand) \(version) --rolled-back", "once you have reverted its partial changes by hand"),
                line("\(vocabulary.resolveCommand) \(version) --applied", "once you have completed its remaining statements by hand"),
                line(resumeCommand, "to run its remaining statements, after fixing the file"),
            ].joined(separator: "\n")
        }
        throw StrataError(
            .refused,
            "Refusing to run `\(vocabulary.command(direction))`: a \(vocabulary.noun) stopped half-way and its changes were not rolled back.\n" + lines.joined(separator: "\n"),
            hint: "Check the database, then choose:\n" + choices.joined(separator: "\n") + "\nNothing was changed."
        )
    }

    /// Throws unless a migration on disk or in the history is the one `reference` names.
    func requireKnown(_ reference: MigrationReference, in entries: [MigrationStatusEntry]) throws {
        guard let entry = entries.first(where: { $0.id.version == reference.version }) else {
            throw StrataError.configuration(
                "No \(vocabulary.noun) has version \(reference.version).",
                hint: "Run `strata status` to see the versions. Nothing was changed."
            )
        }
        guard reference.matches(entry.id) else {
            throw StrataError.configuration(
                "No \(vocabulary.noun) is \(reference): version \(reference.version) is \(entry.id).",
                hint: "Give the version alone, or the whole id as `strata status` shows it. Nothing was changed."
            )
        }
    }
}
