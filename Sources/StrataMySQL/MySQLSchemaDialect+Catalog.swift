import Strata

extension MySQLSchemaDialect {
    /// From `information_schema`, with the database's name taken out of definitions so that
    /// the same objects compare equal in any database: foreign keys, checks, views,
    /// triggers, procedures and functions.
    public func catalogObjects(in database: any DatabaseConnection) async throws -> [SchemaSnapshot.Object] {
        var objects: [SchemaSnapshot.Object] = []
        let keys = try await database.query(
            """
            SELECT rc.TABLE_NAME AS table_name, rc.CONSTRAINT_NAME AS name, rc.REFERENCED_TABLE_NAME AS parent,
                   GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS columns,
                   GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR ', ') AS parent_columns,
                   rc.UPDATE_RULE AS on_update, rc.DELETE_RULE AS on_delete
            FROM information_schema.REFERENTIAL_CONSTRAINTS rc
            JOIN information_schema.KEY_COLUMN_USAGE k
              ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND k.TABLE_NAME = rc.TABLE_NAME
            WHERE rc.CONSTRAINT_SCHEMA = DATABASE() AND rc.TABLE_NAME NOT LIKE 'strata\\_%'
            GROUP BY rc.TABLE_NAME, rc.CONSTRAINT_NAME, rc.REFERENCED_TABLE_NAME, rc.UPDATE_RULE, rc.DELETE_RULE
            """, []
        )
        for row in keys {
            let definition = "FOREIGN KEY (\(row["columns"].text ?? "")) REFERENCES \(row["parent"].text ?? "") (\(row["parent_columns"].text ?? "")) "
                + "ON UPDATE \(row["on_update"].text ?? "") ON DELETE \(row["on_delete"].text ?? "")"
            objects.append(.init(.constraint, "\(row["table_name"].text ?? "").\(row["name"].text ?? "")", definition))
        }
        let checks = try await checkConstraintRows(in: database)
        for row in checks {
            objects.append(.init(.constraint, "\(row["table_name"].text ?? "").\(row["name"].text ?? "")", "CHECK (\(row["clause"].text ?? ""))"))
        }
        let views = try await database.query(
            """
            SELECT TABLE_NAME AS name, REPLACE(VIEW_DEFINITION, CONCAT('`', DATABASE(), '`.'), '') AS definition
            FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()
            """, []
        )
        for row in views {
            objects.append(.init(.view, row["name"].text ?? "", row["definition"].text ?? ""))
        }
        let triggers = try await database.query(
            """
            SELECT EVENT_OBJECT_TABLE AS table_name, TRIGGER_NAME AS name,
                   CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', REPLACE(ACTION_STATEMENT, CONCAT('`', DATABASE(), '`.'), '')) AS definition
            FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE NOT LIKE 'strata\\_%'
            """, []
        )
        for row in triggers {
            objects.append(.init(.trigger, "\(row["table_name"].text ?? "").\(row["name"].text ?? "")", row["definition"].text ?? ""))
        }
        let routines = try await database.query(
            """
            SELECT ROUTINE_NAME AS name, CONCAT(ROUTINE_TYPE, ' ', COALESCE(DTD_IDENTIFIER, ''), ' ',
                   REPLACE(ROUTINE_DEFINITION, CONCAT('`', DATABASE(), '`.'), '')) AS definition
            FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
            """, []
        )
        for row in routines {
            objects.append(.init(.function, row["name"].text ?? "", row["definition"].text ?? ""))
        }
        return objects
    }
}

extension MySQLSchemaDialect {
    /// The check constraints of the database's tables, or of `table` alone, as rows of
    /// `table_name`, `name` and `clause`. MariaDB's `CHECK_CONSTRAINTS` names each check's
    /// table; MySQL's does not (its check names are unique in a schema), so there
    /// `TABLE_CONSTRAINTS`, which both have, gives the table.
    func checkConstraintRows(of table: String? = nil, in database: any DatabaseConnection) async throws -> [DatabaseRow] {
        let tableColumn = flavor.checkConstraintsNameTheirTable ? "TABLE_NAME" : "t.TABLE_NAME"
        let filter = table == nil ? "\(tableColumn) NOT LIKE 'strata\\_%'" : "\(tableColumn) = ?"
        let binds: [DatabaseValue] = table.map { [.text($0)] } ?? []
        if flavor.checkConstraintsNameTheirTable {
            return try await database.query(
                """
                SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
                WHERE CONSTRAINT_SCHEMA = DATABASE() AND \(filter)
                """, binds
            )
        }
        return try await database.query(
            """
            SELECT t.TABLE_NAME AS table_name, c.CONSTRAINT_NAME AS name, c.CHECK_CLAUSE AS clause
            FROM information_schema.CHECK_CONSTRAINTS c JOIN information_schema.TABLE_CONSTRAINTS t
              ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK'
            WHERE c.CONSTRAINT_SCHEMA = DATABASE() AND \(filter)
            """, binds
        )
    }

    /// A procedure is dropped as one; everything else as `SchemaSnapshot.Object.dropStatement(quoting:)` says.
    public func dropStatement(for object: SchemaSnapshot.Object) -> String? {
        guard object.kind == .function, object.definition.hasPrefix("PROCEDURE") else {
            return object.dropStatement(quoting: sqlDialect.quoteIdentifier)
        }
        return "DROP PROCEDURE \(sqlDialect.quoteIdentifier(object.name))"
    }
}
