import Foundation
import Testing

/// Runs the built `strata` binary as a separate process, the way a user does.
struct StrataProcess {
    /// What a run printed and how it ended.
    struct Result: Sendable, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// The binary: `$STRATA_BINARY`, else `strata` next to the test bundle, else the package's
    /// `.build/debug/strata`.
    static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["STRATA_BINARY"] { return explicit }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("strata"))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("strata"))
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/strata"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates.last?.path ?? "strata"
    }()

    /// Starts `strata ARGUMENTS` in `directory` without waiting for it.
    static func start(_ arguments: [String], in directory: String, environment: [String: String] = [:], program: String = binary) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var variables = ProcessInfo.processInfo.environment
        variables.removeValue(forKey: "STRATA_ENV")
        variables.merge(environment) { $1 }
        process.environment = variables
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, stdout, stderr)
    }

    /// Waits for a started process and collects its output.
    static func finish(_ started: (Process, Pipe, Pipe)) async -> Result {
        let (process, stdout, stderr) = started
        // Each wait blocks a thread for as long as the process runs: threads of their own,
        // never Swift's cooperative pool, which has only as many threads as cores (two
        // here) and would stall every other test while a long `strata` process runs.
        async let out = onThreadOfItsOwn { stdout.fileHandleForReading.readDataToEndOfFile() }
        async let err = onThreadOfItsOwn { stderr.fileHandleForReading.readDataToEndOfFile() }
        let (outData, errData) = await (out, err)
        await onThreadOfItsOwn { process.waitUntilExit() }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs blocking `work` on a new thread and returns its result.
    static func onThreadOfItsOwn<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    /// Runs `strata ARGUMENTS` in `directory` and waits for it.
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:], program: String = binary) async throws -> Result {
        await finish(try start(arguments, in: directory, environment: environment, program: program))
    }
}

