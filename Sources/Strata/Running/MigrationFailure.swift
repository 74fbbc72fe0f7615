/// Builds the message for a migration whose SQL failed: the migration, the file and line,
/// the statement, the database's own error, and what was and was not left applied.
enum MigrationFailure {
    static func error(
        _ error: any Error,
        migration: LoadedMigration,
        direction: MigrationDirection,
        statement: SQLStatement?,
        statementsCompleted: Int,
        body: MigrationBody,
        dialect: any SQLDialect,
        vocabulary: RunVocabulary,
        resumedAt resumedStatement: Int? = nil,
        atomicRun: (before: Int, total: Int)? = nil
    ) -> StrataError {
        let databaseError = error as? DatabaseError
        let reason = databaseError?.description ?? String(describing: error)
        var message = "\(vocabulary.capitalizedNoun) \(migration.id) failed"
        if direction == .down { message = "Undoing \(vocabulary.noun) \(migration.id) failed" }
        if let statement {
            message += " at \(statement.file ?? migration.source):\(line(of: statement, error: databaseError))"
        }
        message += ": \(reason)"
        if let statement { message += "\nStatement: \(statement.excerpt)" }

        let rolledBack = body.runsInTransaction && dialect.supportsTransactionalDDL
        let command = vocabulary.command(direction)
        let hint: String
        if let atomicRun {
            let noun = vocabulary.noun
            let connectionLost = databaseError.map(dialect.isConnectionLost) == true ? "The connection to the database server was lost. " : ""
            hint = connectionLost + "The run's \(atomicRun.total) \(noun)s ran in one transaction (--atomic), which rolled back: none was applied"
                + (atomicRun.before > 0 ? ", not even the \(atomicRun.before) that ran before this one" : "")
                + ", and the history is unchanged. Fix the SQL and run `\(command) --atomic` again."
        } else if let resumedStatement, !rolledBack, statementsCompleted == resumedStatement {
            // The first statement a resumed run ran is the one the stopped run was running:
            // it may have run, and failed now because it did.
            let version = migration.id.version
            let number = resumedStatement + 1
            hint = """
                The \(vocabulary.noun) was resumed at statement \(number), the one the run that stopped was running: it probably \
                ran before that run stopped, which is why it fails now. The \(vocabulary.noun) stays dirty. Check the database, then either:
                  run `\(command) --resume --from-statement \(number + 1)` to continue after statement \(number), if it did run,
                  run `\(vocabulary.resolveCommand) \(version) --applied` if all of its statements ran,
                  run `\(vocabulary.resolveCommand) \(version) --rolled-back` once you have reverted what ran, or
                  fix the file and run `\(command) --resume` again.
                """
        } else if let databaseError, dialect.isConnectionLost(databaseError), rolledBack || statementsCompleted == 0 {
            hint = "The connection to the database server was lost (a restart, a failover?): the run stopped there, and never goes on "
                + "over another connection. Nothing of this \(vocabulary.noun) was committed; the \(vocabulary.noun)s reported above are "
                + "recorded. Once the server — or the new primary, listed in the URL — is up, run `\(command)` again."
        } else if rolledBack || statementsCompleted == 0 {
            hint = "Nothing of this \(vocabulary.noun) was \(direction == .up ? "applied" : "undone"); the history is unchanged. Fix the SQL and run `\(command)` again."
        } else {
            let fix = body.program == nil ? "fix the file" : "fix the migration"
            let why = body.runsInTransaction
                ? "\(dialect.name) commits DDL implicitly"
                : "the section is marked transaction:false"
            let version = migration.id.version
            // The server may have finished the statement the lost connection was running.
            let lost = databaseError.map(dialect.isConnectionLost) == true
                ? "The connection to the database server was lost (a restart, a failover?) while statement \(statementsCompleted + 1) ran: "
                    + "whether it ran is unknown, so check it first (`\(command) --resume --from-statement \(statementsCompleted + 2)` goes on after it). "
                : ""
            hint = lost + """
                \(statementsCompleted)\(body.program == nil ? " of its \(body.statements.count)" : "") statements ran and stay \(direction == .up ? "applied" : "undone") (\(why)), \
                so the \(vocabulary.noun) is marked dirty and further runs are refused until it is settled. Check the database, then either:
                  revert those statements by hand and run `\(vocabulary.resolveCommand) \(version) --rolled-back`,
                  complete the remaining statements by hand and run `\(vocabulary.resolveCommand) \(version) --applied`, or
                  \(fix) (leaving the statements that ran unchanged) and run `\(command) --resume`.
                """
        }
        let leftover = statement.flatMap { statement in databaseError.flatMap { dialect.leftoverHint(for: statement, error: $0) } }
        return StrataError(.failure, message, hint: leftover.map { "\($0)\n\(hint)" } ?? hint, underlying: databaseError)
    }

    /// The file line of the error: the statement's first line, moved down by the newlines
    /// before the database's reported position, or by its reported line.
    static func line(of statement: SQLStatement, error: DatabaseError?) -> Int {
        if let lineInStatement = error?.lineInStatement, lineInStatement > 0 {
            return statement.line + lineInStatement - 1
        }
        guard let position = error?.position, position > 0 else { return statement.line }
        let prefix = statement.text.prefix(position - 1)
        return statement.line + prefix.filter { $0 == "\n" }.count
    }
}
