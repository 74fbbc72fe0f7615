import Foundation
import Strata
import Testing

/// Backups onto a full disk, on every engine: the project's backups directory is a 256 KiB
/// tmpfs, and the database's dump is several times larger. `strata backup` must fail with
/// a message that says the disk is full and where, leave no file — not even a partial one or
/// a manifest — and `migrate --backup` must migrate nothing.
@Suite struct FullDiskBackupTests {
    @Test(arguments: TestDatabase.all)
    func aBackupOntoAFullDiskFailsClearlyLeavesNoFileAndMigratesNothing(engine: TestDatabase) async throws {
        let workspace = try await Workspace(engine)
        let backups = workspace.project.path + "/backups"
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try await runCommand("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", backups])
        do {
            try await fillAndBackUp(workspace, backups: backups)
        } catch {
            try? await runCommand("/usr/bin/umount", [backups])
            await workspace.remove()
            throw error
        }
        try await runCommand("/usr/bin/umount", [backups])
        await workspace.remove()
    }

    private func fillAndBackUp(_ workspace: Workspace, backups: String) async throws {
        try workspace.migration("20250101000001", "create-notes", up: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);", down: "DROP TABLE notes;")
        try workspace.migration("20250101000002", "create-tags", up: "CREATE TABLE tags (id INTEGER PRIMARY KEY);", down: "DROP TABLE tags;")
        let first = try await workspace.strata(["migrate", "--to", "20250101000001"])
        try #require(first.status == 0, "\(first)")
        // 2 MB of random hexadecimal text: about 1 MB once gzip has compressed it.
        let connection = try await workspace.db.connect()
        try await connection.closeAfter {
            try await connection.prepareForChanges()
            let digits = Array("0123456789abcdef".utf8)
            for row in 1...64 {
                let body = String(decoding: (0..<32_768).map { _ in digits[Int.random(in: 0..<16)] }, as: UTF8.self)
                try await connection.execute("INSERT INTO notes (id, body) VALUES (\(row), '\(body)')")
            }
        }

        try await workspace.expectNothingChanged(["backup"], status: 1, says: ["No space left on device", "backups"])
        try await workspace.expectNothingChanged(["migrate", "--backup"], status: 1, says: ["No space left on device", "Backup before migrating failed", "Nothing was migrated"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups).isEmpty)
    }
}
