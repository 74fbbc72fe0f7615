@testable import Strata
import Testing

/// A snapshot's constraint definitions read back into the Schema API's terms, in every
/// engine's spelling; anything the API cannot say is not read.
@Suite struct ConstraintDefinitionTests {
    @Test(arguments: [
        // PostgreSQL's pg_get_constraintdef.
        ("FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE", ["user_id"], "users", ["id"], ReferentialAction.cascade, ReferentialAction?.none),
        // MariaDB's information_schema, both actions named.
        ("FOREIGN KEY (a, b) REFERENCES pairs (x, y) ON UPDATE RESTRICT ON DELETE SET NULL", ["a", "b"], "pairs", ["x", "y"], .setNull, .restrict),
        // SQLite's table SQL, with its name and quotes.
        (#"CONSTRAINT "posts_fk" FOREIGN KEY ("user id") REFERENCES "Users" ("id") ON UPDATE NO ACTION"#, ["user id"], "Users", ["id"], nil, .noAction),
        ("CONSTRAINT k FOREIGN KEY(a) REFERENCES public.t(k) ON DELETE SET DEFAULT", ["a"], "t", ["k"], .setDefault, nil),
        ("FOREIGN KEY (`a`) REFERENCES `t` (`id`)", ["a"], "t", ["id"], nil, nil),
    ])
    func foreignKeysAreRead(
        definition: String, columns: [String], table: String, referenced: [String], onDelete: ReferentialAction?, onUpdate: ReferentialAction?
    ) {
        #expect(ConstraintDefinition(definition) == .foreignKey(
            columns: columns, referencedTable: table, referencedColumns: referenced, onDelete: onDelete, onUpdate: onUpdate
        ))
    }

    @Test func checksAreReadWithTheirExpressionAsWritten() {
        #expect(ConstraintDefinition("CHECK ((price > 0))") == .check("(price > 0)"))
        #expect(ConstraintDefinition("CONSTRAINT positive CHECK (price > 0 AND note <> ')')") == .check("price > 0 AND note <> ')'"))
        #expect(ConstraintDefinition("check (`mood` in ('sad','ok'))") == .check("`mood` in ('sad','ok')"))
    }

    @Test(arguments: [
        "UNIQUE (email)",
        "PRIMARY KEY (id)",
        "EXCLUDE USING gist (room WITH =)",
        "FOREIGN KEY (a) REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED",
        "FOREIGN KEY (a) REFERENCES t(id) MATCH FULL",
        "FOREIGN KEY (a, b) REFERENCES t(id)",
        "CHECK (price > 0) NOT VALID",
        "CHECK (price > 0",
    ])
    func whatTheAPICannotSayIsNotRead(definition: String) {
        #expect(ConstraintDefinition(definition) == nil)
    }
}
