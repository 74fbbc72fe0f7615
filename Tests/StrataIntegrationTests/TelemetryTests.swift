import Foundation
import InMemoryTracing
import Logging
import Metrics
import MetricsTestKit
import Strata
import Testing
import Tracing

/// A run's spans, metrics and log metadata (``MigrationTelemetry``), recorded by the
/// in-memory backends of swift-distributed-tracing and swift-metrics and by a collecting
/// log handler, on every engine. The backends are bootstrapped once for the process; each
/// test names its own environment and reads only what carries that name.
@Suite struct TelemetryTests {
    @Test(arguments: TestDatabase.all)
    func eachMigrationHasASpanCountersATimerAndLogMetadata(engine: TestDatabase) async throws {
        let backends = TelemetryBackends.shared
        let environment = "telemetry-\(UUID().uuidString.prefix(8))"
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...2)
        try db.write("20250101000003", "broken", up: "INSERT INTO no_such_table (id) VALUES (1);")
        let logs = LogCollector()
        var migrator = try db.migrator()
        migrator.environment = environment
        migrator.logger = Logger(label: Logger.strataLabel) { _ in logs }
        migrator.logger[metadataKey: "environment"] = "\(environment)"

        let error = await #expect(throws: StrataError.self) { try await migrator.migrate() }
        #expect(error?.message.contains("no_such_table") == true, "\(error?.message ?? "")")

        // A span per migration, named for the kind of run, with the migration's attributes;
        // the failing one has the error status and the error recorded.
        let spans = backends.tracer.finishedSpans.filter { $0.attributes[MigrationTelemetry.Attribute.environment]?.toSpanAttribute() == .string(environment) }
        #expect(spans.map(\.operationName) == ["strata.migration", "strata.migration", "strata.migration"])
        #expect(spans.map { $0.attributes[MigrationTelemetry.Attribute.version]?.toSpanAttribute() } == [
            .string("20250101000001"), .string("20250101000002"), .string("20250101000003"),
        ])
        #expect(spans.map { $0.attributes[MigrationTelemetry.Attribute.name]?.toSpanAttribute() } == [
            .string("table-1"), .string("table-2"), .string("broken"),
        ])
        #expect(spans.allSatisfy { $0.attributes[MigrationTelemetry.Attribute.direction]?.toSpanAttribute() == .string("up") })
        #expect(spans.map { $0.status?.code } == [nil, nil, .error])
        #expect(spans.map(\.errors.count) == [0, 0, 1])

        // Two applied, one failed, two durations; then a status sets the pending gauge to the one left.
        let up = [("environment", environment), ("kind", "migration"), ("direction", "up")]
        #expect(try backends.metrics.expectCounter(MigrationTelemetry.MetricLabel.applied, up).totalValue == 2)
        #expect(try backends.metrics.expectCounter(MigrationTelemetry.MetricLabel.failed, up).totalValue == 1)
        let durations = try backends.metrics.expectTimer(MigrationTelemetry.MetricLabel.duration, up).values
        #expect(durations.count == 2)
        #expect(durations.allSatisfy { $0 > 0 })
        _ = try await migrator.status()
        let pending = try backends.metrics.expectGauge(MigrationTelemetry.MetricLabel.pending, [("environment", environment), ("kind", "migration")])
        #expect(pending.lastValue == 1)

        // The log line of each finished migration names the environment, the migration and its duration.
        let finished = logs.events.filter { $0.message == "Finished migration" }
        #expect(finished.map { $0.metadata["version"] } == ["20250101000001", "20250101000002"])
        #expect(finished.map { $0.metadata["name"] } == ["table-1", "table-2"])
        #expect(finished.allSatisfy { $0.metadata["environment"] == environment && $0.metadata["direction"] == "up" })
        #expect(finished.allSatisfy { $0.metadata["duration_ms"].flatMap(Int64.init) != nil })
    }

    @Test(arguments: TestDatabase.all.filter { $0.driver.dialect.supportsTransactionalDDL })
    func anAtomicRunCountsItsMigrationsWhenItCommits(engine: TestDatabase) async throws {
        let backends = TelemetryBackends.shared
        let environment = "telemetry-\(UUID().uuidString.prefix(8))"
        let db = try await engine.fresh()
        defer { Task { await db.remove() } }
        try db.writeTables(1...3)
        var migrator = try db.migrator()
        migrator.environment = environment
        let up = [("environment", environment), ("kind", "migration"), ("direction", "up")]

        try await migrator.migrate(Migrator.MigrateOptions(transactions: .atomic))
        #expect(try backends.metrics.expectCounter(MigrationTelemetry.MetricLabel.applied, up).totalValue == 3)
        #expect(backends.metrics.counters(label: MigrationTelemetry.MetricLabel.failed, dimensions: up).isEmpty)
        let spans = backends.tracer.finishedSpans.filter { $0.attributes[MigrationTelemetry.Attribute.environment]?.toSpanAttribute() == .string(environment) }
        #expect(spans.count == 3)

        // Undone, as seeders would be, under their own dimensions.
        try await migrator.undo(.all)
        let down = [("environment", environment), ("kind", "migration"), ("direction", "down")]
        #expect(try backends.metrics.expectCounter(MigrationTelemetry.MetricLabel.applied, down).totalValue == 3)
    }
}

/// The in-memory tracer and metrics factory, bootstrapped once for the test process.
final class TelemetryBackends: Sendable {
    let tracer = InMemoryTracer()
    let metrics = TestMetrics()

    static let shared: TelemetryBackends = {
        let backends = TelemetryBackends()
        InstrumentationSystem.bootstrap(backends.tracer)
        MetricsSystem.bootstrap(backends.metrics)
        return backends
    }()
}
