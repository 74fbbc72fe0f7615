import ArgumentParser
import Foundation
import Strata

/// What the shell completion scripts (`strata --generate-completion-script bash|zsh|fish`)
/// ask the binary for while the user types: the environments of `strata.yml` and the
/// versions of the migrations. Both are read from the project the command line names
/// (`-C DIR`, `--config FILE`) without connecting to any database, and a project that
/// cannot be read completes to nothing rather than printing an error into the shell.
enum ShellCompletions {
    /// The environment names of the project's configuration, sorted.
    static func environments(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let configuration = configuration(words) else { return [] }
        return configuration.environments.keys.sorted().filter { $0.hasPrefix(prefix) }
    }

    /// The versions of the project's migrations (files of its migrations directory and the
    /// Swift migrations of the embedding executable), oldest first.
    static func migrationVersions(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let configuration = configuration(words) else { return [] }
        let directory = configuration.resolvePath(configuration.migrations.text)
        var versions = Set<String>()
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            if let id = try? MigrationFileName.parse(file) { versions.insert(id.version.digits) }
        }
        for migration in CommandEnvironment.registry?.migrations ?? [] {
            if let id = try? MigrationID(parsing: migration.id) { versions.insert(id.version.digits) }
        }
        return versions.sorted().filter { $0.hasPrefix(prefix) }
    }

    /// The configuration the words name: `--config FILE`, under `-C DIR`, else `strata.yml`.
    private static func configuration(_ words: [String]) -> StrataConfiguration? {
        let directory = value(of: "-C", in: words)
        var path = value(of: "--config", in: words)
        if let directory {
            let file = path ?? StrataConfiguration.defaultFileName
            path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        }
        guard var configuration = try? ConfigurationLoader.load(path: path) else { return nil }
        // Without a file there, the built-in default's paths are under -C's directory.
        if let directory, configuration.file == nil { configuration.rootDirectory = directory }
        return configuration
    }

    /// The value after `option` (or in `option=value`), the last one given.
    private static func value(of option: String, in words: [String]) -> String? {
        var found: String?
        for (index, word) in words.enumerated() {
            if word == option, index + 1 < words.count { found = words[index + 1] }
            if word.hasPrefix(option + "=") { found = String(word.dropFirst(option.count + 1)) }
        }
        return found
    }
}

extension MigrationReference {
    /// Migration versions complete to those of the project.
    public static var defaultCompletionKind: CompletionKind { .custom(ShellCompletions.migrationVersions) }
}
