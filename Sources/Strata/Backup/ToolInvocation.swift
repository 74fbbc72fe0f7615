import Foundation
import Subprocess
import SystemPackage

/// An external program a driver runs for backups and restores (`pg_dump`, `mariadb-dump`,
/// `gzip`), with secrets passed through the environment, never on the command line.
public struct ToolInvocation: Sendable {
    /// Program names to try in order, found on `PATH` (e.g. `mariadb-dump`, then `mysqldump`).
    public var executables: [String]
    /// The arguments; never a password.
    public var arguments: [String]
    /// Variables added to the inherited environment, e.g. `PGPASSWORD`.
    public var environment: [String: String]

    /// Creates an invocation.
    public init(_ executables: [String], arguments: [String], environment: [String: String] = [:]) {
        self.executables = executables
        self.arguments = arguments
        self.environment = environment
    }

    /// Runs the program with standard input from `input` and standard output into `output`
    /// (paths; `nil` for none).
    ///
    /// - Throws: ``StrataError`` when the program is missing or exits non-zero, with the
    ///   end of what it printed on standard error.
    public func run(input: String? = nil, output: String? = nil) async throws {
        guard let executable = executables.first(where: { Self.find($0) != nil }).flatMap(Self.find) else {
            throw StrataError(.failure, "None of \(executables.joined(separator: ", ")) is installed.",
                              hint: "Install the database's client tools (e.g. apt-get install postgresql-client or mariadb-client).")
        }
        let name = (executable as NSString).lastPathComponent
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment { updates[Environment.Key(stringLiteral: key)] = value }
        let result: ExecutionResult<Void, FileDescriptorOutput, StringOutput<UTF8>>
        do {
            let inputFD = try FileDescriptor.open(FilePath(input ?? "/dev/null"), .readOnly)
            let outputFD = try FileDescriptor.open(
                FilePath(output ?? "/dev/null"), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite]
            )
            result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: .inherit.updating(updates),
                input: .fileDescriptor(inputFD, closeAfterSpawningProcess: true),
                output: .fileDescriptor(outputFD, closeAfterSpawningProcess: true),
                error: .string(limit: 1 << 20)
            )
        } catch {
            throw StrataError(.failure, "Cannot run \(name): \(error).")
        }
        guard case .exited(0) = result.terminationStatus else {
            let said = result.standardError.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw StrataError(.failure, "\(name) failed (\(result.terminationStatus))\(said.isEmpty ? "." : ":\n\(said)")")
        }
    }

    /// The full path of `name` on `PATH`, if it is there.
    static func find(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
