import Strata

extension PostgresSchemaDialect {
    /// From the catalog, in PostgreSQL's own rendering (`pg_get_constraintdef`,
    /// `pg_get_triggerdef`, `pg_get_functiondef`, `pg_views`), with the schema's name taken
    /// out so that the same objects compare equal in any schema: constraints but primary
    /// keys, views and materialized views, triggers, enum types, sequences, functions and
    /// procedures.
    public func catalogObjects(in database: any DatabaseConnection) async throws -> [SchemaSnapshot.Object] {
        var objects: [SchemaSnapshot.Object] = []
        let unqualified = "quote_ident(current_schema()) || '.'"
        let constraints = try await database.query(
            """
            SELECT rel.relname::text AS table_name, c.conname::text AS name, pg_get_constraintdef(c.oid) AS definition
            FROM pg_constraint c JOIN pg_class rel ON rel.oid = c.conrelid
            WHERE rel.relnamespace = current_schema()::regnamespace AND c.contype <> 'p' AND rel.relname NOT LIKE 'strata\\_%'
            """, []
        )
        for row in constraints {
            objects.append(.init(.constraint, "\(row["table_name"].text ?? "").\(row["name"].text ?? "")", row["definition"].text ?? ""))
        }
        let views = try await database.query(
            """
            SELECT viewname::text AS name, definition, false AS materialized FROM pg_views WHERE schemaname = current_schema()
            UNION ALL
            SELECT matviewname::text, definition, true FROM pg_matviews WHERE schemaname = current_schema()
            """, []
        )
        for row in views {
            let materialized = row["materialized"].integer == 1 || row["materialized"].text == "true"
            objects.append(.init(.view, row["name"].text ?? "", (materialized ? "materialized " : "") + (row["definition"].text ?? "")))
        }
        let triggers = try await database.query(
            """
            SELECT rel.relname::text AS table_name, t.tgname::text AS name, replace(pg_get_triggerdef(t.oid), \(unqualified), '') AS definition
            FROM pg_trigger t JOIN pg_class rel ON rel.oid = t.tgrelid
            WHERE rel.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal AND rel.relname NOT LIKE 'strata\\_%'
            """, []
        )
        for row in triggers {
            objects.append(.init(.trigger, "\(row["table_name"].text ?? "").\(row["name"].text ?? "")", row["definition"].text ?? ""))
        }
        let types = try await database.query(
            """
            SELECT t.typname::text AS name, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS labels
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname
            """, []
        )
        for row in types {
            objects.append(.init(.type, row["name"].text ?? "", "enum (\(row["labels"].text ?? ""))"))
        }
        let sequences = try await database.query(
            """
            SELECT sequencename::text AS name,
                   format('%s start %s increment %s min %s max %s%s', data_type, start_value, increment_by, min_value, max_value,
                          CASE WHEN cycle THEN ' cycle' ELSE '' END) AS definition
            FROM pg_sequences WHERE schemaname = current_schema() AND sequencename NOT LIKE 'strata\\_%'
            """, []
        )
        for row in sequences {
            objects.append(.init(.sequence, row["name"].text ?? "", row["definition"].text ?? ""))
        }
        let functions = try await database.query(
            """
            SELECT p.proname::text || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
                   replace(pg_get_functiondef(p.oid), \(unqualified), '') AS definition
            FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')
            """, []
        )
        for row in functions {
            objects.append(.init(.function, row["name"].text ?? "", row["definition"].text ?? ""))
        }
        return objects
    }
}

extension PostgresSchemaDialect {
    /// A procedure is dropped as one; everything else as `SchemaSnapshot.Object.dropStatement(quoting:)` says.
    public func dropStatement(for object: SchemaSnapshot.Object) -> String? {
        let statement = object.dropStatement(quoting: sqlDialect.quoteIdentifier)
        guard object.kind == .function, object.definition.hasPrefix("CREATE OR REPLACE PROCEDURE") else { return statement }
        return statement.map { "DROP PROCEDURE" + $0.dropFirst("DROP FUNCTION".count) }
    }
}
