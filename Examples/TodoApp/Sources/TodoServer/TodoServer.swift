import Foundation
import Hummingbird
import StrataCLI
import StrataHummingbird
import TodoMigrations
import TodoStore

/// `todo-server`: TodoApp on Hummingbird 2, at 127.0.0.1:$PORT (default 8080).
///
/// Before it serves, it checks that the database of the environment (`$STRATA_ENV`, else
/// development, from strata.yml) has every migration applied, and refuses to start — exit
/// status 3, the pending migrations named — when it has not. With `MIGRATE_ON_START=1`
/// (development) it applies them instead. In production, `migrate deploy -- todo-server` migrates, then
/// becomes the server.
@main
struct TodoServer {
    static func main() async {
        do {
            let migrateOnStart = ProcessInfo.processInfo.environment["MIGRATE_ON_START"] == "1"
            let port = ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init) ?? 8080
            var database = try StrataDatabase(migrations: migrations)
            // Its Swift migrations run with the app's own tool, beside this executable.
            let directory = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
            database.toolCommand = directory.isEmpty ? "migrate" : "\(directory)/migrate"
            let store = TodoStore(database: database)

            let router = Router()
            router.get("todos") { _, _ -> Response in
                let json = try await store.allAsJSON()
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
            }
            router.get("health") { _, _ in "ok pid=\(getpid())" }

            var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
            app.prepareDatabase(database, migrateOnStart ? .migrate : .check)
            try await app.runService()
        } catch {
            // A database behind its migrations: the message, what to run, and exit status 3.
            exit(StrataCLI.reportError(error))
        }
    }
}
