import Strata
import Testing

@Suite struct MigrationPlannerTests {
    let files = [
        migration("20250101000000", "one"),
        migration("20250102000000", "two", checksum: "edited"),
        migration("20250103000000", "three"),
        migration("20250104000000", "four"),
    ]

    @Test func aLoadedMigrationIsAValue() {
        let original = migration("20250101000000", "one")
        var copy = original
        #expect(copy == original)
        #expect(copy.hashValue == original.hashValue)
        copy.checksum = "edited"
        copy.down = nil
        copy.up.statements.append(SQLStatement(text: "SELECT 2", line: 3))
        // The copy changed; the original, which shared its storage, did not.
        #expect(original.checksum == "c")
        #expect(original.down != nil)
        #expect(original.up.statements.map(\.text) == ["SELECT 1"])
        #expect(copy.up.statements.map(\.text) == ["SELECT 1", "SELECT 2"])
        #expect(copy != original)
        // Equal by value, not by storage: made twice, the same migration is one.
        #expect(migration("20250101000000", "one") == original)
        #expect(Set([original, migration("20250101000000", "one"), copy]).count == 2)
    }

    @Test func statusComparesFilesWithHistory() {
        let planner = MigrationPlanner(migrations: files, history: [
            record("20250101000000", "one"), record("20250102000000", "two"), record("20241231000000", "gone"),
        ])
        let states = planner.status().map { "\($0.id.version):\($0.state.rawValue)" }
        #expect(states == [
            "20241231000000:missing", "20250101000000:applied", "20250102000000:changed",
            "20250103000000:pending", "20250104000000:pending",
        ])
    }

    @Test func migrateAppliesPendingInOrderWithTargetAndStep() throws {
        let planner = MigrationPlanner(migrations: files, history: [record("20250101000000", "one")])
        // Out-of-order: "two" is pending although nothing newer is applied.
        #expect(try planner.migrationsToApply().map(\.id.name) == ["two", "three", "four"])
        #expect(try planner.migrationsToApply(step: 2).map(\.id.name) == ["two", "three"])
        #expect(try planner.migrationsToApply(target: MigrationReference("20250103000000")).map(\.id.name) == ["two", "three"])
        #expect(try planner.migrationsToApply(target: MigrationReference("20250101000000")).isEmpty)
    }

    @Test func migrateRefusesChangedAndMissingUnlessAllowed() throws {
        let planner = MigrationPlanner(migrations: files, history: [
            record("20250102000000", "two"), record("20241231000000", "gone"),
        ])
        let error = #expect(throws: StrataError.self) { try planner.migrationsToApply() }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("changed: db/migrations/20250102000000-two.sql") == true)
        #expect(error?.message.contains("missing: 20241231000000-gone") == true)
        #expect(throws: StrataError.self) { try planner.migrationsToApply(allowChanged: true) }
        #expect(throws: StrataError.self) { try planner.migrationsToApply(allowMissing: true) }
        let plan = try planner.migrationsToApply(allowChanged: true, allowMissing: true)
        #expect(plan.map(\.id.name) == ["one", "three", "four"])
    }

    @Test func unknownTargetIsAConfigurationError() {
        let planner = MigrationPlanner(migrations: files, history: [])
        let error = #expect(throws: StrataError.self) { try planner.migrationsToApply(target: MigrationReference("20300101000000")) }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("20300101000000") == true)
    }

    @Test func undoTargets() throws {
        let applied = [record("20250101000000", "one"), record("20250103000000", "three"), record("20250104000000", "four")]
        let planner = MigrationPlanner(migrations: files, history: applied)
        #expect(try planner.migrationsToUndo(.last(1)).map(\.id.name) == ["four"])
        #expect(try planner.migrationsToUndo(.last(2)).map(\.id.name) == ["four", "three"])
        #expect(try planner.migrationsToUndo(.to(MigrationReference("20250101000000")!)).map(\.id.name) == ["four", "three"])
        #expect(try planner.migrationsToUndo(.all).map(\.id.name) == ["four", "three", "one"])
        #expect(try MigrationPlanner(migrations: files, history: []).migrationsToUndo(.last(1)).isEmpty)
    }

    @Test func undoRefusesIrreversibleChangedAndMissingMigrations() throws {
        let irreversible = MigrationPlanner(migrations: [migration("20250101000000", "one", down: false)],
                                            history: [record("20250101000000", "one")])
        let error = #expect(throws: StrataError.self) { try irreversible.migrationsToUndo(.last(1)) }
        #expect(error?.code == .refused)
        #expect(error?.message.contains("no `-- migrate:down` section") == true)

        let changed = MigrationPlanner(migrations: files, history: [record("20250102000000", "two")])
        #expect(throws: StrataError.self) { try changed.migrationsToUndo(.last(1)) }
        #expect(try changed.migrationsToUndo(.last(1), allowChanged: true).map(\.id.name) == ["two"])

        let missing = MigrationPlanner(migrations: files, history: [record("20250201000000", "gone")])
        let missingError = #expect(throws: StrataError.self) { try missing.migrationsToUndo(.last(1), allowChanged: true) }
        #expect(missingError?.message.contains("missing: 20250201000000-gone") == true)
    }
}

@Suite struct SchemaSnapshotTests {
    @Test func differencesAreObjectByObjectInOrder() {
        let reference = SchemaSnapshot([
            .init(.column, "users.email", "varchar(255)   not null"), .init(.table, "users"), .init(.view, "old_view", "SELECT 1"),
            .init(.index, "users.users_email", "unique (email)"),
        ])
        let live = SchemaSnapshot([
            .init(.table, "users"), .init(.column, "users.email", "varchar(100) not null"), .init(.column, "users.nickname", "text"),
            .init(.index, "users.users_email", "unique (email)"), .init(.table, "users"),
        ])
        #expect(live.objects.count == 4, "duplicates are kept once")
        #expect(reference.objects.first?.definition == "", "tables sort first")
        #expect(reference.objects(.column).first?.definition == "varchar(255) not null", "white space is folded")
        let lines = live.differences(from: reference).map { $0.description(here: "the database", reference: "db/schema.sql") }
        #expect(lines == [
            "column users.email: varchar(100) not null in the database, varchar(255) not null in db/schema.sql",
            "column users.nickname: in the database, not in db/schema.sql",
            "view old_view: in db/schema.sql, not in the database",
        ])
        #expect(live.differences(from: live).isEmpty)
    }
}
