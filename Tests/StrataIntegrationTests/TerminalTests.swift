import Foundation
import StrataCLI
import Testing

/// The command line at a terminal: shell completion scripts (compared with committed
/// snapshots, and run in a real bash for their environments and versions), colour on a
/// pseudo-terminal and none when piped or with `NO_COLOR`, and the live line of a statement
/// that runs for longer than two seconds. The pseudo-terminal is util-linux's `script`.
@Suite struct TerminalTests {
    /// Tests/Snapshots, beside this target's directory.
    private static let snapshots = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Snapshots")

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsMatchTheirSnapshots(shell: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let generated = try await StrataProcess.run(["--generate-completion-script", shell], in: directory.path)
        #expect(generated.status == 0, "\(generated)")
        let snapshot = Self.snapshots.appendingPathComponent("completions/strata.\(shell)")
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(
            generated.stdout == expected,
            "The \(shell) completion script changed. If the commands changed on purpose, run `.build/debug/strata --generate-completion-script \(shell) > Tests/Snapshots/completions/strata.\(shell)`."
        )
        // Environments and migration versions are completed by asking the binary.
        #expect(expected.contains("---completion status -- --env"))
        #expect(expected.contains("---completion resolve -- positional@0"))
    }

    @Test func versionPrintsTheBuildsVersion() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await StrataProcess.run(["--version"], in: directory.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == StrataCLI.version + "\n")
        #expect(StrataCLI.version.split(separator: ".").count == 3, "a semantic version: \(StrataCLI.version)")
    }

    @Test func bashCompletesEnvironmentsAndMigrationVersionsOfTheProject() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
            environments:
              development:
                url: sqlite:db/development.sqlite3
              staging:
                url: ${STAGING_URL}
              production:
                url: ${DATABASE_URL}
            """.write(toFile: directory.path + "/strata.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.path + "/db/migrations", withIntermediateDirectories: true)
        for id in ["20250101000001-create-users", "20250102000001-create-posts", "20260101000001-add-tags"] {
            try "-- migrate:up\nSELECT 1;\n".write(toFile: "\(directory.path)/db/migrations/\(id).sql", atomically: true, encoding: .utf8)
        }
        let script = try await StrataProcess.run(["--generate-completion-script", "bash"], in: directory.path)
        try script.stdout.write(toFile: directory.path + "/strata.bash", atomically: true, encoding: .utf8)

        /// COMPREPLY for the command line `line`, whose last word is being completed.
        func complete(_ line: String) async throws -> [String] {
            let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            let program = """
                source strata.bash
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " ")))
                COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'
                COMP_POINT=${#COMP_LINE}
                _strata strata '\(words[words.count - 1])' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let binDirectory = (StrataProcess.binary as NSString).deletingLastPathComponent
            let result = try await StrataProcess.run(
                ["-c", program], in: directory.path,
                environment: ["PATH": "\(binDirectory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"],
                program: "/bin/bash"
            )
            #expect(result.status == 0, "\(result)")
            return result.stdout.split(separator: "\n").map(String.init)
        }

        #expect(try await complete("strata status --env ") == ["development", "production", "staging"])
        #expect(try await complete("strata migrate --env st") == ["staging"])
        #expect(try await complete("strata undo --to ") == ["20250101000001", "20250102000001", "20260101000001"])
        #expect(try await complete("strata resolve 2025") == ["20250101000001", "20250102000001"])
        #expect(try await complete("strata mig") == ["migrate"])
        // Another project, named with -C, completes to its own environments.
        try FileManager.default.createDirectory(atPath: directory.path + "/other", withIntermediateDirectories: true)
        try "environments:\n  qa:\n    url: sqlite:qa.sqlite3\n".write(toFile: directory.path + "/other/strata.yml", atomically: true, encoding: .utf8)
        #expect(try await complete("strata status -C other --env ") == ["qa"])
    }

    /// `strata ARGUMENTS` on a pseudo-terminal: what the terminal showed.
    private func onTerminal(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> StrataProcess.Result {
        let command = ([StrataProcess.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        // A terminal that takes colour, whatever the test runner's own (`swift test` may set
        // TERM=dumb or NO_COLOR); an empty NO_COLOR does not count.
        let terminal = ["TERM": "xterm-256color", "NO_COLOR": ""].merging(environment) { $1 }
        return try await StrataProcess.run(["-qec", command, "/dev/null"], in: directory, environment: terminal, program: "/usr/bin/script")
    }

    @Test func statusAndResultsAreColouredOnATerminalOnly() async throws {
        let project = try CommandLineTests.Project(config: "environments:\n  development:\n    url: sqlite:db/development.sqlite3\n")
        defer { project.directory.remove() }
        try project.migration("20250101000001", "create-users", up: "CREATE TABLE users (id INTEGER PRIMARY KEY);", down: "DROP TABLE users;")
        try project.migration("20250101000002", "create-posts", up: "CREATE TABLE posts (id INTEGER PRIMARY KEY);", down: "DROP TABLE posts;")

        let migrated = try await onTerminal(["migrate", "--step", "1"], in: project.path)
        #expect(migrated.status == 0, "\(migrated)")
        #expect(migrated.stdout.contains("\u{1B}[32m✔\u{1B}[0m 20250101000001 create-users: \u{1B}[32mmigrated\u{1B}[0m"), "\(migrated)")
        let status = try await onTerminal(["status"], in: project.path)
        #expect(status.stdout.contains("  \u{1B}[32mapplied\u{1B}[0m  20250101000001"), "\(status)")
        #expect(status.stdout.contains("  \u{1B}[33mpending\u{1B}[0m  20250101000002"), "\(status)")
        let failed = try await onTerminal(["undo", "--to", "20990101000000"], in: project.path)
        #expect(failed.status != 0)
        #expect(failed.stdout.contains("\u{1B}[31m✘ error:\u{1B}[0m"), "\(failed)")

        // NO_COLOR on the same terminal, and a pipe: plain text, as before.
        let noColor = try await onTerminal(["status"], in: project.path, environment: ["NO_COLOR": "1"])
        #expect(noColor.stdout.contains("  applied  20250101000001"), "\(noColor)")
        #expect(!noColor.stdout.contains("\u{1B}["))
        let piped = try await project.strata("migrate")
        #expect(piped.stdout.contains("== 20250101000002 create-posts: migrated"), "\(piped)")
        #expect(!(piped.stdout + piped.stderr).contains("\u{1B}["))
    }

    @Test(.enabled(if: ServerEnvironment.postgresWanted, "needs PostgreSQL's pg_sleep: STRATA_POSTGRES_URL is not set"))
    func aStatementRunningLongerThanTwoSecondsShowsALiveLineOnATerminalOnly() async throws {
        let db = try await TestDatabase.postgres.fresh()
        defer { Task { await db.remove() } }
        let (yaml, environment) = db.projectConfiguration()
        let project = try CommandLineTests.Project(config: yaml)
        defer { project.directory.remove() }
        try project.migration("20250101000001", "slow", up: "CREATE TABLE slow (id integer);\nSELECT pg_sleep(3);", down: "DROP TABLE slow;")
        try project.migration("20250101000002", "quick", up: "CREATE TABLE quick (id integer);", down: "DROP TABLE quick;")

        let terminal = try await onTerminal(["migrate"], in: project.path, environment: environment)
        #expect(terminal.status == 0, "\(terminal)")
        #expect(terminal.stdout.contains("20250101000001 slow: statement 2 (line 3) running for 2."), "\(terminal)")
        // Erased before the result line: the line ends in an erase, then the result.
        #expect(terminal.stdout.contains("\r\u{1B}[K\u{1B}[32m✔\u{1B}[0m 20250101000001 slow:"), "\(terminal)")
        #expect(!terminal.stdout.contains("20250101000002 quick: statement"), "a quick statement shows no line: \(terminal)")

        // A terminal that cannot erase a line gets no live line.
        #expect(try await project.strata(["undo", "--all"], environment: environment).status == 0)
        let dumb = try await onTerminal(["migrate"], in: project.path, environment: environment.merging(["TERM": "dumb"]) { $1 })
        #expect(dumb.status == 0, "\(dumb)")
        #expect(!dumb.stdout.contains("running for"), "\(dumb)")
        #expect(dumb.stdout.contains("== 20250101000001 slow: migrated"), "\(dumb)")

        #expect(try await project.strata(["undo", "--all"], environment: environment).status == 0)
        let piped = try await project.strata(["migrate"], environment: environment)
        #expect(piped.status == 0, "\(piped)")
        #expect(!piped.stdout.contains("running for"), "\(piped)")
        #expect(piped.stdout.contains("== 20250101000001 slow: migrated"))
    }
}
