import ArgumentParser
import Foundation
import Strata

/// `strata status [--json] [--exit-code]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List migrations (and seeders) as applied, baseline, pending, changed, missing or dirty.",
        discussion: "Reads only: takes no lock and creates nothing. --exit-code looks at migrations only."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print {\"migrations\":[{\"version\",\"name\",\"state\",\"applied_at\"}…],\"seeders\":[…]}.")
    var json = false

    @Flag(help: "Exit 3 if migrations are pending, 5 if one changed, is missing or is dirty.")
    var exitCode = false

    @OptionGroup var tenants: TenantOptions

    func run() async throws {
        let context = try CommandContext(global, tenants: tenants)
        if tenants.selected { return try await runOnTenants(context) }
        let status = try await context.status()
        let (entries, seeders) = (status.migrations, status.seeders)
        if json {
            try Console.json(StatusReport(entries, seeders: seeders))
        } else if !global.quiet {
            printTable(entries, context: context)
            if !seeders.isEmpty {
                Console.print("")
                Console.print("Seeders in \(context.environment.seedersDirectory)")
                printRows(seeders)
            }
        }
        guard exitCode else { return }
        try Self.checkExitCode([entries])
    }

    /// `--exit-code`: 5 when a migration of any of the lists changed, is missing or is dirty,
    /// else 3 when one is pending or running.
    static func checkExitCode(_ lists: [[MigrationStatusEntry]]) throws {
        if lists.contains(where: { $0.contains(where: { $0.state.isProblem }) }) { throw ExitCode(ExitStatus.refused) }
        if lists.contains(where: { $0.contains(where: { [.pending, .running].contains($0.state) }) }) { throw ExitCode(ExitStatus.pending) }
    }

    private func printTable(_ entries: [MigrationStatusEntry], context: CommandContext) {
        Console.print("Environment \(context.environmentDescription), migrations in \(context.environment.migrationsDirectory)")
        guard !entries.isEmpty else {
            Console.print("No migrations yet. Create one with `strata generate NAME`.")
            return
        }
        Console.print("")
        printRows(entries)
    }

    /// The table of entries and the line of counts under it.
    private func printRows(_ entries: [MigrationStatusEntry]) {
        let nameWidth = max(4, entries.map(\.id.name.utf8.count).max() ?? 0)
        let stateWidth = max(7, entries.map(\.state.rawValue.utf8.count).max() ?? 0)
        // One buffer and one write for the whole table: a thousand migrations are a
        // thousand lines, appended as bytes rather than joined as strings.
        var table: [UInt8] = []
        table.reserveCapacity((nameWidth + 64) * (entries.count + 2))
        table.append(contentsOf: "  ".utf8)
        Self.append("State", paddedTo: stateWidth, to: &table)
        table.append(contentsOf: "  Version         ".utf8)
        Self.append("Name", paddedTo: nameWidth, to: &table)
        table.append(contentsOf: "  Applied at\n".utf8)
        for entry in entries {
            Self.appendRow(entry, stateWidth: stateWidth, nameWidth: nameWidth, to: &table)
        }
        table.append(UInt8(ascii: "\n"))
        Console.write(table)
        // Counted in one pass: filtering would copy every entry once per state.
        var tally: [MigrationState: Int] = [:]
        for entry in entries { tally[entry.state, default: 0] += 1 }
        let counts = MigrationState.allCases.compactMap { state -> String? in
            tally[state].map { "\($0) \(state.rawValue)" }
        }
        Console.print(counts.joined(separator: ", ") + ".")
    }

    /// One line of the table, and the dirty summary under it.
    // A separate function: Swift 6.3's optimizer crashes (CopyPropagation) on this code
    // inlined in the loop above in release builds.
    private static func appendRow(_ entry: MigrationStatusEntry, stateWidth: Int, nameWidth: Int, to table: inout [UInt8]) {
        table.append(contentsOf: "  ".utf8)
        if TerminalStyle.stdout {
            // Coloured on a terminal; the escape codes take no columns, so pad after them.
            table.append(contentsOf: TerminalStyle.paint(entry.state.rawValue, TerminalStyle.style(of: entry.state), enabled: true).utf8)
            append("", paddedTo: stateWidth - entry.state.rawValue.utf8.count, to: &table)
        } else {
            append(entry.state.rawValue, paddedTo: stateWidth, to: &table)
        }
        table.append(contentsOf: "  ".utf8)
        table.append(contentsOf: entry.id.version.digits.utf8)
        table.append(contentsOf: "  ".utf8)
        append(entry.id.name, paddedTo: nameWidth, to: &table)
        table.append(contentsOf: "  ".utf8)
        if let record = entry.record {
            table.append(contentsOf: formatDate(record.appliedAt).utf8)
        } else {
            table.append(UInt8(ascii: "-"))
        }
        if let progress = entry.progress {
            table.append(UInt8(ascii: "\n"))
            table.append(contentsOf: repeatElement(UInt8(ascii: " "), count: stateWidth + 4))
            table.append(contentsOf: (entry.state == .running ? progress.runningSummary : progress.summary).utf8)
        }
        table.append(UInt8(ascii: "\n"))
    }

    /// `2025-05-19 12:30:45 UTC`.
    static func formatDate(_ date: Date) -> String {
        UTCDateTime(date, fractionDigits: 0).formatted(separator: " ", suffix: " UTC")
    }

    /// Appends `text` followed by spaces up to `width` columns. Names and states are ASCII
    /// (names are checked when files load), so their width is their length in bytes — which,
    /// unlike a count of characters, takes no grapheme breaking over a thousand rows.
    private static func append(_ text: String, paddedTo width: Int, to table: inout [UInt8]) {
        let utf8 = text.utf8
        table.append(contentsOf: utf8)
        if utf8.count < width { table.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - utf8.count)) }
    }
}

/// The JSON printed by `status --json`.
struct StatusReport: Encodable {
    struct Entry: Encodable {
        let version: String
        let name: String
        let state: String
        let applied_at: String?
        let dirty: Dirty?

        /// How far a dirty migration got.
        struct Dirty: Encodable {
            let direction: String
            let statements_done: Int
            let statements_total: Int
            let failed_line: Int?
            let error: String?
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(name, forKey: .name)
            try container.encode(state, forKey: .state)
            try container.encode(applied_at, forKey: .applied_at)  // null when not applied
            try container.encodeIfPresent(dirty, forKey: .dirty)
        }

        enum CodingKeys: String, CodingKey { case version, name, state, applied_at, dirty }
    }

    let migrations: [Entry]
    let seeders: [Entry]

    init(_ entries: [MigrationStatusEntry], seeders seederEntries: [MigrationStatusEntry]) {
        migrations = entries.map(Self.entry)
        seeders = seederEntries.map(Self.entry)
    }

    private static func entry(_ status: MigrationStatusEntry) -> Entry {
        Entry(version: status.id.version.digits, name: status.id.name, state: status.state.rawValue,
              applied_at: status.record.map { ISO8601Timestamp.format($0.appliedAt) },
              dirty: status.progress.map {
                  Entry.Dirty(direction: $0.direction.rawValue, statements_done: $0.statementsDone,
                              statements_total: $0.statementsTotal, failed_line: $0.failedLine, error: $0.error)
              })
    }
}

extension MigrationState {
    /// Changed, missing or dirty: what `migrate` refuses to run over.
    var isProblem: Bool { [.changed, .missing, .dirty].contains(self) }
}
