import Logging
import Metrics
import Tracing

/// What a run tells the application's observability backends, the server ecosystem's way:
/// a swift-distributed-tracing span per migration, swift-metrics counters and a timer, and
/// swift-log metadata. Each is a no-op until the application bootstraps a backend
/// (`InstrumentationSystem.bootstrap`, `MetricsSystem.bootstrap`, `LoggingSystem.bootstrap`).
///
/// Names, all prefixed `strata`:
/// - span `strata.migration` (or `strata.seeder`) per migration applied or undone, with the
///   attributes ``Attribute``, and the error recorded when it fails;
/// - counters `strata_migrations_applied_total` and `strata_migrations_failed_total`, timer
///   `strata_migration_duration_seconds` (nanoseconds recorded), gauge
///   `strata_migrations_pending` after a status or a run — each with the dimensions
///   `environment` (when known), `kind` (`migration` or `seeder`) and, but for the gauge,
///   `direction` (`up` or `down`).
public struct MigrationTelemetry: Sendable {
    /// The span attributes and log metadata keys.
    public enum Attribute {
        /// The environment's name, e.g. `production`.
        public static let environment = "strata.environment"
        /// The migration's version, e.g. `20261205101500`.
        public static let version = "strata.migration.version"
        /// The migration's name, e.g. `create-users`.
        public static let name = "strata.migration.name"
        /// `up` (applied) or `down` (undone).
        public static let direction = "strata.migration.direction"
    }

    /// The metric labels.
    public enum MetricLabel {
        /// Counter: migrations (or seeders) applied or undone.
        public static let applied = "strata_migrations_applied_total"
        /// Counter: migrations (or seeders) that failed.
        public static let failed = "strata_migrations_failed_total"
        /// Timer: how long each migration's statements took.
        public static let duration = "strata_migration_duration_seconds"
        /// Gauge: migrations pending after a status or a run.
        public static let pending = "strata_migrations_pending"
    }

    /// The environment named in spans and metrics, or `nil` when the migrator was not told.
    public var environment: String?
    /// `migration` or `seeder`.
    public var kind: String

    /// Telemetry for runs of `kind` in `environment`.
    public init(environment: String?, kind: String) {
        self.environment = environment
        self.kind = kind
    }

    /// The tracer active now — the one bound by an enclosing `withTracer` scope, else the
    /// bootstrapped one — or `nil` when there is none, and spans are skipped.
    ///
    /// A run looks it up once, as it starts, not per span: `InstrumentationSystem` finds the
    /// tracer by searching the instruments and casting each, thousands of instructions a time.
    static func activeTracer() -> (any Tracer)? {
        let tracer = InstrumentationSystem.tracer
        return tracer is NoOpTracer ? nil : tracer
    }

    /// Runs `body` — one migration's statements — inside a span of `tracer` naming the
    /// migration; the span records the error when `body` throws. Without a tracer, `body`
    /// runs as it is: a no-op span would record nothing, and binding its context costs
    /// task-local bookkeeping per migration.
    func span<T: Sendable>(
        _ id: MigrationID, _ direction: MigrationDirection, tracer: (any Tracer)?, _ body: () async throws -> T
    ) async throws -> T {
        guard let tracer else { return try await body() }
        return try await tracer.withAnySpan("strata.\(kind)", ofKind: .internal) { span in
            // A sampled-out span records nothing: its attributes would be built for no one.
            if span.isRecording {
                span.attributes[Attribute.version] = id.version.description
                span.attributes[Attribute.name] = id.name
                span.attributes[Attribute.direction] = direction.rawValue
                if let environment { span.attributes[Attribute.environment] = environment }
            }
            do {
                return try await body()
            } catch {
                span.setStatus(SpanStatus(code: .error))
                throw error
            }
        }
    }

    /// Counts migrations applied (or undone) and times each.
    func completed(_ migrations: [CompletedMigration]) {
        for direction in [MigrationDirection.up, .down] {
            let inDirection = migrations.filter { $0.direction == direction }
            guard !inDirection.isEmpty else { continue }
            let counter = Counter(label: MetricLabel.applied, dimensions: dimensions(direction))
            let timer = Timer(label: MetricLabel.duration, dimensions: dimensions(direction))
            for migration in inDirection {
                counter.increment()
                timer.recordNanoseconds(migration.duration.nanoseconds)
            }
        }
    }

    /// Counts a migration that failed.
    func failed(_ direction: MigrationDirection) {
        Counter(label: MetricLabel.failed, dimensions: dimensions(direction)).increment()
    }

    /// Records how many migrations are pending.
    public func pending(_ count: Int) {
        Gauge(label: MetricLabel.pending, dimensions: dimensions(nil)).record(count)
    }

    /// A logger carrying the migration's metadata: its version, name and direction.
    ///
    /// A run logs through it at `info` and `debug` only (``RunSession``), so a logger that
    /// prints neither is returned as it is: a handler may re-render all its metadata on each
    /// change (swift-log's `StreamLogHandler` does), a measurable part of a run's time
    /// (docs/benchmarks.md). Otherwise the metadata is set in one write.
    func logger(_ base: Logger, _ id: MigrationID, _ direction: MigrationDirection) -> Logger {
        guard base.logLevel <= .info else { return base }
        var logger = base
        logger.handler.metadata.merge(
            ["version": "\(id.version)", "name": "\(id.name)", "direction": "\(direction.rawValue)"],
            uniquingKeysWith: { _, migration in migration }
        )
        return logger
    }

    private func dimensions(_ direction: MigrationDirection?) -> [(String, String)] {
        var dimensions: [(String, String)] = []
        if let environment { dimensions.append(("environment", environment)) }
        dimensions.append(("kind", kind))
        if let direction { dimensions.append(("direction", direction.rawValue)) }
        return dimensions
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
