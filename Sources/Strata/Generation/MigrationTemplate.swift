import Foundation

/// The starting content of a generated SQL migration.
public enum MigrationTemplate: String, Sendable, CaseIterable {
    /// Empty `up` and `down` sections.
    case blank
    /// The seed workflow's create-table migration: `create-TABLE` creates TABLE with an id,
    /// a name and timestamps, idempotently.
    case createTable = "create-table"
    /// The seed workflow's modify-table migration: `add-COLUMN-to-TABLE` adds COLUMN to
    /// TABLE, idempotently.
    case modifyTable = "modify-table"

    /// The file's text for a migration called `name`, in `dialect`.
    ///
    /// - Throws: ``StrataError`` (configuration) when the name does not follow the
    ///   template's pattern (`create-TABLE`, `add-COLUMN-to-TABLE`).
    public func render(name: String, dialect: any SQLDialect) throws -> String {
        switch self {
        case .blank:
            return """
                -- Migration: \(name)
                -- The up section and its history row commit in one transaction: if a statement
                -- fails, nothing is applied. Add `transaction:false` after a marker to opt out.

                -- migrate:up


                -- migrate:down


                """
        case .createTable:
            return try renderCreateTable(name: name, dialect: dialect)
        case .modifyTable:
            return try renderModifyTable(name: name, dialect: dialect)
        }
    }

    /// The table a `create-TABLE` migration creates, in snake case.
    /// - Throws: ``StrataError`` (configuration) when `name` is not `create-TABLE`.
    public static func createdTable(in name: String) throws -> String {
        guard name.hasPrefix("create-"), name.count > "create-".count else {
            throw StrataError.configuration(
                "The create-table template needs a name like create-TABLE (e.g. create-users), not \"\(name)\".",
                hint: "Rename the migration, or leave out --template for an empty one."
            )
        }
        return snakeCase(name.dropFirst("create-".count))
    }

    /// The column and table of an `add-COLUMN-to-TABLE` migration, in snake case.
    /// - Throws: ``StrataError`` (configuration) when `name` is not `add-COLUMN-to-TABLE`.
    public static func addedColumn(in name: String) throws -> (column: String, table: String) {
        let parts = name.components(separatedBy: "-to-")
        guard parts.count == 2, parts[0].hasPrefix("add-"), parts[0].count > "add-".count, !parts[1].isEmpty else {
            throw StrataError.configuration(
                "The modify-table template needs a name like add-COLUMN-to-TABLE (e.g. add-status-to-users), not \"\(name)\".",
                hint: "Rename the migration, or leave out --template for an empty one."
            )
        }
        return (snakeCase(parts[0].dropFirst("add-".count)), snakeCase(Substring(parts[1])))
    }

    private func renderCreateTable(name: String, dialect: any SQLDialect) throws -> String {
        let table = dialect.quoteIdentifier(try Self.createdTable(in: name))
        let text = dialect.columnType(for: .string(length: 255))
        let timestamp = dialect.columnType(for: .timestamp)
        return """
            -- Migration: \(name)
            -- The up section and its history row commit in one transaction: if a statement
            -- fails, nothing is applied. IF [NOT] EXISTS keeps it safe to run by hand too.

            -- migrate:up
            CREATE TABLE IF NOT EXISTS \(table) (
                \(dialect.autoIncrementPrimaryKey(named: "id")),
                \(dialect.quoteIdentifier("name")) \(text) NOT NULL,
                \(dialect.quoteIdentifier("created_at")) \(timestamp) NOT NULL DEFAULT CURRENT_TIMESTAMP,
                \(dialect.quoteIdentifier("updated_at")) \(timestamp) NOT NULL DEFAULT CURRENT_TIMESTAMP
            );

            -- migrate:down
            DROP TABLE IF EXISTS \(table);

            """
    }

    private func renderModifyTable(name: String, dialect: any SQLDialect) throws -> String {
        let (columnName, tableName) = try Self.addedColumn(in: name)
        let table = dialect.quoteIdentifier(tableName)
        let column = dialect.quoteIdentifier(columnName)
        let type = dialect.columnType(for: .string(length: 255))
        let up: String
        let down: String
        if let exists = dialect.columnExistsQuery(table: tableName, column: columnName),
           let missing = dialect.columnMissingQuery(table: tableName, column: columnName) {
            up = """
                -- \(dialect.name) has no ADD COLUMN IF NOT EXISTS: the guard below skips the
                -- statement when the column is already there.
                -- strata:skip-if \(exists)
                \(dialect.lockSafeAlterTable("ALTER TABLE \(table) ADD COLUMN \(column) \(type)"))
                """
            down = """
                -- strata:skip-if \(missing)
                ALTER TABLE \(table) DROP COLUMN \(column);
                """
        } else {
            up = dialect.lockSafeAlterTable("ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS \(column) \(type)")
            down = "ALTER TABLE \(table) DROP COLUMN IF EXISTS \(column);"
        }
        return """
            -- Migration: \(name)
            -- The up section and its history row commit in one transaction: if a statement
            -- fails, nothing is applied. The column is added only if it is not there yet.
            --
            -- To limit the column to a few values, as the seed's ENUM does, portably:
            --   \(column) \(type) NOT NULL DEFAULT 'active'
            --       CHECK (\(column) IN ('active', 'inactive', 'suspended'))

            -- migrate:up
            \(up)

            -- migrate:down
            \(down)

            """
    }

    private static func snakeCase(_ kebab: Substring) -> String {
        kebab.replacingOccurrences(of: "-", with: "_")
    }
}
