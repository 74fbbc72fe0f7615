import StrataCLI

/// `swift run migrate <command>`: every strata command over TodoApp's Swift migrations
/// (listed in Migrations/Migrations.swift) and the SQL files of db/migrations.
@main
struct Migrate {
    static func main() async {
        await StrataCLI.main(migrations: migrations)
    }
}
