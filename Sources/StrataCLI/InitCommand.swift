import ArgumentParser
import Foundation
import Strata

/// `strata init`: writes `strata.yml`, `db/migrations/` and `db/seeders/`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write strata.yml and create db/migrations and db/seeders."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Overwrite an existing configuration file.")
    var force = false

    static let configurationTemplate = """
        # Strata configuration. Relative paths are relative to this file's directory.
        # Values may read the environment: ${VAR}, or ${VAR:-default}.
        migrations: db/migrations
        seeders: db/seeders
        backups: backups

        environments:
          development:
            url: sqlite:db/development.sqlite3
            logging: false   # true logs every SQL statement to standard error
            schema_dump: db/schema.sql   # rewritten after every change: commit it, check drift with `strata schema check`

          # test:
          #   url: ${TEST_DATABASE_URL:-sqlite:db/test.sqlite3}

          # production:
          #   url: ${DATABASE_URL}
          #   tls: verify-full
          #   backup_before_migrate: true
          # or, field by field:
          #   dialect: sqlite
          #   storage: /var/lib/app/production.sqlite3

        """

    func run() async throws {
        if let directory = global.directory {
            guard FileManager.default.changeCurrentDirectoryPath(directory) else {
                throw StrataError(.configuration, "Cannot change to directory \(directory) (-C): it does not exist or is not a directory.")
            }
        }
        let path = global.config ?? StrataConfiguration.defaultFileName
        if FileManager.default.fileExists(atPath: path), !force {
            throw StrataError(.configuration, "\(path) already exists; nothing was written.", hint: "Use --force to overwrite it.")
        }
        let root = (path as NSString).deletingLastPathComponent
        let base = root.isEmpty ? "" : root + "/"
        do {
            if !root.isEmpty { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }
            try Data(Self.configurationTemplate.utf8).write(to: URL(fileURLWithPath: path))
            for directory in ["db/migrations", "db/seeders"] {
                try FileManager.default.createDirectory(atPath: base + directory, withIntermediateDirectories: true)
            }
        } catch {
            throw StrataError(.failure, "Cannot write the project files: \(error.localizedDescription)")
        }
        guard !global.quiet else { return }
        Console.print("Created \(path), \(base)db/migrations/ and \(base)db/seeders/.")
        Console.print("Next: strata generate create-users --template create-table, then strata migrate.")
    }
}
