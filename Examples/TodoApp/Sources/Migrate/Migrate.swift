import StrataCLI
import TodoMigrations

/// `swift run migrate <command>`: every strata command over TodoApp's Swift migrations
/// (listed in Sources/TodoMigrations/Migrations.swift) and the SQL files of db/migrations.
/// `migrate deploy -- .build/debug/todo-server` migrates, then becomes the server.
@main
struct Migrate {
    static func main() async {
        await StrataCLI.main(migrations: migrations)
    }
}
