import Foundation

/// The Swift migrations of an executable, and the registry file listing them.
///
/// `strata generate NAME --swift --output DIR` writes `DIR/VERSION-name.swift` and adds the
/// migration to `DIR/Migrations.swift`, which declares:
///
/// ```swift
/// let migrations = MigrationRegistry([
///     CreateUsers(),
/// ])
/// ```
///
/// The registry remembers its own path (`#filePath`), so a run from the source tree can
/// report a migration file in that directory that is not in the list. Where the directory
/// does not exist — a deployed binary — there is nothing to check.
public struct MigrationRegistry: Sendable {
    /// The registered migrations.
    public var migrations: [any Migration]
    /// The registry's source file, or `nil` when the list was given without one.
    public var registryFile: String?
    /// The declared schema, in Swift: what `generate --from-schema` and `schema check
    /// --against-model` compare the migrations with, unless given `--model FILE`.
    public var model: SchemaModel?

    /// A registry of `migrations`, declared in the file at `file`, with the declared schema
    /// `model` if the project keeps one in Swift.
    public init(_ migrations: [any Migration], model: SchemaModel? = nil, file: String = #filePath) {
        self.migrations = migrations
        self.model = model
        self.registryFile = file
    }

    /// A list of migrations with no registry file (nothing to check for unregistered files).
    public init(unlocated migrations: [any Migration]) {
        self.migrations = migrations
        self.registryFile = nil
    }

    /// The directory of the registry file.
    public var directory: String? {
        registryFile.map { ($0 as NSString).deletingLastPathComponent }
    }

    /// The migrations, loaded, in version order.
    ///
    /// - Throws: ``StrataError`` (configuration) for a malformed id, two migrations sharing
    ///   a version, or a migration file in the registry's directory that is not registered.
    public func load() async throws -> [LoadedMigration] {
        if let problem = unregisteredFiles().first {
            throw StrataError.configuration(
                "Swift migration file \(problem.path) is not registered in \(registryFile ?? "the registry").",
                hint: "Add `\(problem.typeName)(),` to the list in \(registryFile ?? "the registry") and rebuild; nothing was run."
            )
        }
        var loaded: [LoadedMigration] = []
        for migration in migrations {
            loaded.append(try await SwiftMigrationLoader.load(migration))
        }
        return try MigrationSources.merge(loaded, [])
    }

    /// Files in the registry's directory named like migrations (`VERSION-name.swift`) whose
    /// id no registered migration has.
    public func unregisteredFiles() -> [(path: String, typeName: String)] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let registered = Set(migrations.map(\.id))
        return names.sorted().compactMap { name in
            guard name.hasSuffix(".swift"), let id = try? MigrationFileName.parse(name, extension: "swift") else { return nil }
            guard !registered.contains(id.description) else { return nil }
            return ("\(directory)/\(name)", SwiftMigrationLoader.typeName(for: id.name))
        }
    }
}

/// Turns a ``Migration`` into the runner's ``LoadedMigration``.
public enum SwiftMigrationLoader {
    /// `migration` with its identity checked and its checksum computed from the changes its
    /// `up` and `down` make against a recording schema.
    ///
    /// The checksum covers the operations and their arguments, not the SQL a dialect
    /// renders: editing an applied migration is detected, upgrading Strata is not a change.
    public static func load(_ migration: any Migration) async throws -> LoadedMigration {
        let typeName = String(describing: type(of: migration))
        let id = try parseID(migration.id, typeName: typeName)
        if migration.defersForeignKeys && !migration.runsInTransaction {
            throw StrataError.configuration(
                "Swift migration \(typeName) defers foreign keys but does not run in a transaction; deferred keys are checked when a transaction commits.",
                hint: "Remove `defersForeignKeys` or `runsInTransaction = false` from \(typeName); nothing was run."
            )
        }
        let up = try await record(migration.up, typeName: typeName, direction: "up")
        let down: [SchemaChange]?
        do {
            down = try await record(migration.down, typeName: typeName, direction: "down")
        } catch is IrreversibleMigration {
            down = nil
        }
        let checksum = try checksum(up: up, down: down, runsInTransaction: migration.runsInTransaction, defersForeignKeys: migration.defersForeignKeys)
        var upBody = MigrationBody(
            program: SchemaProgram(identity: "\(id) up", recordedChanges: up) { try await migration.up($0) },
            runsInTransaction: migration.runsInTransaction
        )
        upBody.defersForeignKeys = migration.defersForeignKeys
        let downBody = down.map { changes in
            var body = MigrationBody(
                program: SchemaProgram(identity: "\(id) down", recordedChanges: changes) { try await migration.down($0) },
                runsInTransaction: migration.runsInTransaction
            )
            body.defersForeignKeys = migration.defersForeignKeys
            return body
        }
        return LoadedMigration(id: id, checksum: checksum, source: "\(typeName) (Swift)", up: upBody, down: downBody)
    }

    /// The Swift type name `strata generate --swift` gives migration `name`: `create-users` → `CreateUsers`.
    public static func typeName(for name: String) -> String {
        let words = name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
        let joined = words.joined()
        return joined.first?.isNumber == true ? "Migration" + joined : joined
    }

    static func parseID(_ text: String, typeName: String) throws -> MigrationID {
        do {
            return try MigrationID(parsing: text)
        } catch {
            throw StrataError.configuration(
                "Swift migration \(typeName) has an invalid id \"\(text)\": \(error.reason).",
                hint: "Write the id as YYYYMMDDHHMMSS-kebab-name, e.g. 20250519123045-create-users."
            )
        }
    }

    private static func record(_ body: (Schema) async throws -> Void, typeName: String, direction: String) async throws -> [SchemaChange] {
        let recording = RecordingSchemaBackend()
        do {
            try await body(Schema(recording))
        } catch let error as IrreversibleMigration {
            throw error
        } catch {
            throw StrataError.configuration(
                "Swift migration \(typeName) threw from \(direction) while Strata recorded its changes: \(error).",
                hint: "Strata runs up and down against an empty recording schema to compute the checksum; "
                    + "a migration must make its changes through the schema only, and not fail when introspection finds nothing."
            )
        }
        return recording.changes
    }

    private static func checksum(up: [SchemaChange], down: [SchemaChange]?, runsInTransaction: Bool, defersForeignKeys: Bool) throws -> String {
        struct Recorded: Encodable {
            let up: [SchemaChange]
            let down: [SchemaChange]?
            let runsInTransaction: Bool
            /// Left out unless set, so that the migrations written before it keep their checksums.
            let defersForeignKeys: Bool?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Recorded(up: up, down: down, runsInTransaction: runsInTransaction, defersForeignKeys: defersForeignKeys ? true : nil))
        return Checksum.sha256(data)
    }
}

/// Combines migrations from several sources (SQL files, Swift) into one timeline.
public enum MigrationSources {
    /// `first` and `second` in version order.
    /// - Throws: ``StrataError`` (configuration) when two migrations share a version.
    public static func merge(_ first: [LoadedMigration], _ second: [LoadedMigration]) throws -> [LoadedMigration] {
        let all = (first + second).sorted { $0.id < $1.id }
        for (earlier, later) in zip(all, all.dropFirst()) where earlier.id.version == later.id.version {
            throw StrataError.configuration(
                "Duplicate migration version \(earlier.id.version): \(earlier.source) and \(later.source).",
                hint: "Each migration needs its own version; give one of them a later timestamp. Nothing was run."
            )
        }
        return all
    }
}
