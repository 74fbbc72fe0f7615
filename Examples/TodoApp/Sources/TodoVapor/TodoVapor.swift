import Foundation
import StrataCLI
import StrataVapor
import TodoMigrations
import TodoStore
import Vapor

/// `todo-vapor [serve | strata <command>]`: TodoApp on Vapor 4.
///
/// `app.strata.use(migrations:)` does two things: as the app starts serving it checks the
/// database (the server does not start while a migration is pending), and it adds the
/// command `todo-vapor strata …` — `migrate`, `status`, `undo`, `deploy -- todo-vapor serve` —
/// so the app needs no second executable. The Vapor environment (`--env`, `$VAPOR_ENV`)
/// names the strata.yml environment, unless `$STRATA_ENV` does. `MIGRATE_ON_START=1`
/// (development) migrates as it starts instead of checking.
@main
struct TodoVapor {
    static func main() async throws {
        let environment = try Environment.detect()
        let app = try await Application.make(environment)
        do {
            try await configure(app)
            try await app.execute()
        } catch {
            // Vapor has logged the error: a database behind its migrations exits with status 3.
            try? await app.asyncShutdown()
            exit(StrataCLI.exitStatus(for: error))
        }
        try await app.asyncShutdown()
    }

    static func configure(_ app: Application) async throws {
        let port = Environment.get("PORT").flatMap(Int.init) ?? 8080
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        try app.strata.use(migrations: migrations, onServe: Environment.get("MIGRATE_ON_START") == "1" ? .migrate : .check)

        let store = TodoStore(database: try app.strata.database)
        app.get("todos") { _ async throws -> Response in
            let json = try await store.allAsJSON()
            return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: json))
        }
        app.get("health") { _ in "ok pid=\(getpid())" }
    }
}
