import Foundation

/// The schema as it should be — "the model" — written as SQL: `CREATE TABLE`, `CREATE INDEX`,
/// `CREATE TYPE`, `CREATE VIEW` … statements, in the file `model:` names (default
/// `db/model.sql`). `strata generate --from-schema` writes the migration from the schema
/// the migrations build to this one; `strata schema check --against-model` fails when they
/// differ.
///
/// A column renamed since the migrations is marked with a comment on its line, or on the
/// line before it, inside its `CREATE TABLE`:
///
/// ```sql
/// CREATE TABLE users (
///     id INTEGER PRIMARY KEY,
///     full_name VARCHAR(100) NOT NULL -- strata:renamed-from name
/// );
/// ```
///
/// Without the mark, a column dropped and another added is written as a drop and an add,
/// with a comment naming the possible rename: Strata never guesses one.
///
/// The schema may be declared in Swift instead, with ``SchemaModel`` (``init(_:)``).
public struct DeclaredSchema: Sendable {
    /// A column marked `-- strata:renamed-from OLD`.
    public struct ColumnRename: Sendable, Hashable {
        /// The table.
        public var table: String
        /// The column's name in the schema the migrations build.
        public var from: String
        /// Its name in the declared schema.
        public var to: String

        /// Creates a rename.
        public init(table: String, from: String, to: String) {
            self.table = table
            self.from = from
            self.to = to
        }

        /// The same rename undone, for the down section.
        public var reversed: ColumnRename { ColumnRename(table: table, from: to, to: from) }
    }

    /// The file, as given: errors name it.
    public let file: String
    /// Its statements, each with its line in the file; empty for a ``SchemaModel``.
    public let statements: [SQLStatement]
    /// The columns it marks as renamed.
    public let renames: [ColumnRename]
    /// The Swift declaration, for a schema declared with ``SchemaModel``.
    public let swiftModel: SchemaModel?

    /// The marker of a renamed column.
    public static let renameMarker = "strata:renamed-from"

    /// Parses the declared schema `text` of `file`.
    /// - Throws: ``StrataError`` (configuration) naming the file and line of a statement that
    ///   cannot be split (an unterminated quote or block), or of a misplaced rename mark.
    public init(file: String, text: String, syntax: SQLSyntax) throws {
        self.file = file
        do {
            statements = try StatementSplitter(syntax: syntax).split(text).map { statement in
                var statement = statement
                statement.file = file
                return statement
            }
        } catch let error as StatementSplitter.SyntaxError {
            throw StrataError.configuration("\(file):\(error.line): \(error.message). Nothing was written.",
                                            hint: "Fix the declared schema's SQL; it must run as it is on an empty database.")
        }
        renames = try Self.renames(in: text, file: file)
        swiftModel = nil
    }

    /// The schema `model` declares in Swift; its renames are the columns marked
    /// ``Column/renamed(from:)``.
    /// - Throws: ``StrataError`` (configuration) when the declaration throws.
    public init(_ model: SchemaModel) async throws {
        file = model.file
        statements = []
        swiftModel = model
        let recording = RecordingSchemaBackend()
        do {
            try await model.declare(Schema(recording))
        } catch {
            throw StrataError.configuration("The declared schema of \(model.file) threw: \(error). Nothing was written.",
                                            hint: "A SchemaModel declares the schema through its Schema only, as on an empty database.")
        }
        renames = recording.changes.flatMap { change -> [ColumnRename] in
            switch change {
            case .createTable(let table, _):
                table.columns.compactMap { column in column.renamedFrom.map { ColumnRename(table: table.name, from: $0, to: column.name) } }
            case .addColumn(let column, let table, _):
                column.renamedFrom.map { [ColumnRename(table: table, from: $0, to: column.name)] } ?? []
            default:
                []
            }
        }
    }

    /// Reads and parses the declared schema at `path`.
    /// - Throws: ``StrataError`` (configuration) when the file is missing or unreadable, or
    ///   as ``init(file:text:syntax:)``.
    public static func read(_ path: String, syntax: SQLSyntax) throws -> DeclaredSchema {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else {
            throw StrataError.configuration(
                "The declared schema \(path) does not exist or cannot be read; nothing was written.",
                hint: "Write the schema as it should be there (CREATE TABLE, CREATE INDEX … statements), or name the file with --model or `model:` in strata.yml."
            )
        }
        return try DeclaredSchema(file: path, text: String(decoding: data, as: UTF8.self), syntax: syntax)
    }

    /// Runs the statements on `database`, an empty scratch database, one by one.
    /// - Throws: ``StrataError`` naming the file and line of the statement the database
    ///   refused, and the database's message.
    public func build(on database: any DatabaseConnection) async throws {
        if let swiftModel { return try await build(swiftModel, on: database) }
        guard !statements.isEmpty else {
            throw StrataError.configuration("The declared schema \(file) holds no statement; nothing was written.",
                                            hint: "Write the schema as it should be: CREATE TABLE, CREATE INDEX … statements.")
        }
        for statement in statements {
            do {
                try await database.execute(statement.text)
            } catch {
                let reason = (error as? DatabaseError)?.message ?? (error as? StrataError)?.message ?? "\(error)"
                throw StrataError.configuration(
                    "\(file):\(statement.line): the declared schema cannot be built: \(reason) (in `\(statement.excerpt)`). Nothing was written.",
                    hint: "The declared schema must build on an empty database as it is: define what a statement refers to before it."
                )
            }
        }
    }

    /// Runs the Swift declaration on `database` in one transaction, each change rendered by
    /// the dialect as a migration's would be.
    private func build(_ model: SchemaModel, on database: any DatabaseConnection) async throws {
        guard let dialect = database.dialect.schemaDialect else {
            throw StrataError.unsupported("A declared schema in Swift", dialect: database.dialect.name, workaround: "declare it in SQL (db/model.sql).")
        }
        let backend = DatabaseSchemaBackend(dialect: dialect, context: SchemaContext(database: database, inTransaction: true)) { statement in
            do {
                try await database.execute(statement.text)
            } catch {
                let reason = (error as? DatabaseError)?.message ?? (error as? StrataError)?.message ?? "\(error)"
                throw StrataError.configuration(
                    "\(statement.file ?? model.file):\(statement.line): the declared schema cannot be built: \(reason) (in `\(statement.excerpt)`). Nothing was written.",
                    hint: "The declared schema must build on an empty database: declare what a change refers to before it."
                )
            }
        }
        try await database.beginTransaction()
        do {
            try await model.declare(Schema(backend))
            try await database.commitTransaction()
        } catch {
            try? await database.rollbackTransaction()
            if error is StrataError { throw error }
            throw StrataError.configuration("The declared schema of \(model.file) cannot be built: \(error). Nothing was written.")
        }
    }

    /// How to mark `rename` in this declared schema: a comment in SQL, a modifier in Swift.
    public func renameAdvice(_ rename: ColumnRename) -> String {
        swiftModel == nil
            ? "mark it in \(file): `\(rename.to) … -- \(Self.renameMarker) \(rename.from)`"
            : "mark it in \(file): `Column(\"\(rename.to)\", …).renamed(from: \"\(rename.from)\")`"
    }

    /// Refuses a declared schema whose foreign keys reference a table it does not define,
    /// which SQLite builds without a word.
    /// - Throws: ``StrataError`` (configuration) naming the constraint and the missing table.
    public func checkReferences(_ built: SchemaSnapshot) throws {
        let tables = Set(built.objects(.table).map(\.name))
        guard let (constraint, missing) = built.foreignKeys.first(where: { !tables.contains($0.references) }) else { return }
        throw StrataError.configuration(
            "The declared schema \(file) cannot be built: constraint \(constraint.name) references the table \(missing), which it does not define. Nothing was written.",
            hint: "Define \(missing) in \(file), or correct the reference."
        )
    }

    /// The rename marks of `text`: on a column's line, or on the line before it, inside a
    /// `CREATE TABLE`.
    private static func renames(in text: String, file: String) throws -> [ColumnRename] {
        var renames: [ColumnRename] = []
        var table: String?
        // A mark on a line of its own, waiting for the column on the next line.
        var pending: (from: String, line: Int, table: String?)?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let (code, comment) = split(raw)
            let opened = createdTable(in: code)
            if let opened { table = opened }
            let column = opened == nil && !code.isEmpty ? firstIdentifier(of: code) : nil
            if let waiting = pending, let column {
                guard let owner = waiting.table else { throw misplaced(file, waiting.line) }
                renames.append(ColumnRename(table: owner, from: waiting.from, to: column))
                pending = nil
            }
            if let from = comment.flatMap(renamedFrom) {
                if let column {
                    guard let table else { throw misplaced(file, line) }
                    renames.append(ColumnRename(table: table, from: from, to: column))
                } else if let waiting = pending {
                    throw misplaced(file, waiting.line)
                } else if table == nil {
                    throw misplaced(file, line)
                } else {
                    pending = (from, line, table)
                }
            }
            if code.hasPrefix(")") {
                if let waiting = pending { throw misplaced(file, waiting.line) }
                table = nil
            }
        }
        if let pending { throw misplaced(file, pending.line) }
        return renames
    }

    private static func misplaced(_ file: String, _ line: Int) -> StrataError {
        StrataError.configuration(
            "\(file):\(line): `-- \(renameMarker)` marks no column of a CREATE TABLE. Nothing was written.",
            hint: "Put it on the renamed column's line, or on the line before it: `full_name VARCHAR(100) -- \(renameMarker) name`."
        )
    }

    /// A line's code and its `--` comment, outside quotes.
    private static func split(_ line: Substring) -> (code: String, comment: String?) {
        var quote: Character?
        var previous: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "-", previous == "-" {
                let start = line.index(before: index)
                return (String(line[..<start]).trimmingCharacters(in: .whitespaces), String(line[line.index(after: index)...]))
            }
            previous = character
        }
        return (String(line).trimmingCharacters(in: .whitespaces), nil)
    }

    /// `old` of a `strata:renamed-from old` comment.
    private static func renamedFrom(_ comment: String) -> String? {
        let words = comment.split(whereSeparator: \.isWhitespace)
        guard let index = words.firstIndex(where: { $0 == renameMarker }), index + 1 < words.count else { return nil }
        return unquoted(String(words[index + 1]))
    }

    /// The table of a line opening a `CREATE TABLE`.
    private static func createdTable(in code: String) -> String? {
        let words = code.split(whereSeparator: { $0.isWhitespace || $0 == "(" })
        guard words.count >= 3, words[0].uppercased() == "CREATE" else { return nil }
        var index = 1
        if ["TEMP", "TEMPORARY", "UNLOGGED"].contains(words[index].uppercased()) { index += 1 }
        guard index < words.count, words[index].uppercased() == "TABLE" else { return nil }
        index += 1
        if index + 2 < words.count, words[index].uppercased() == "IF", words[index + 1].uppercased() == "NOT" { index += 3 }
        guard index < words.count else { return nil }
        let name = String(words[index])
        return unquoted(String(name.split(separator: ".").last ?? Substring(name)))
    }

    /// The first word of a column definition, unquoted.
    private static func firstIdentifier(of code: String) -> String? {
        let trimmed = code.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ",")))
        guard let first = trimmed.first else { return nil }
        if first == "\"" || first == "`" {
            let rest = trimmed.dropFirst()
            guard let end = rest.firstIndex(of: first) else { return nil }
            return String(rest[..<end])
        }
        guard first.isLetter || first == "_" else { return nil }
        let word = trimmed.prefix { !$0.isWhitespace && $0 != "," }
        let keywords: Set = ["PRIMARY", "UNIQUE", "CONSTRAINT", "FOREIGN", "CHECK", "KEY", "INDEX", "EXCLUDE", "CREATE", "ALTER"]
        return word.isEmpty || keywords.contains(word.uppercased()) ? nil : String(word)
    }

    private static func unquoted(_ name: String) -> String {
        guard let first = name.first, name.count >= 2, first == "\"" || first == "`", name.last == first else { return name }
        return String(name.dropFirst().dropLast())
    }
}
