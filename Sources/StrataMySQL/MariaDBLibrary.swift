#if MySQL
import CMariaDB
import Foundation
import Strata

/// The MariaDB Connector/C, opened the first time Strata connects to MySQL.
///
/// The connector is not linked into the program: a `strata` built with the MySQL trait
/// starts without loading it (nor the OpenSSL it pulls in), so commands on SQLite and
/// PostgreSQL start as fast as without the trait and run on a machine where no connector
/// is installed. `STRATA_MARIADB_LIBRARY` names the library's file when it is not where
/// the dynamic loader looks.
enum MariaDBLibrary {
    /// The environment variable that names the connector's library file.
    static let pathVariable = "STRATA_MARIADB_LIBRARY"

    /// The connector's functions, loaded and initialised once per process; or why they
    /// could not be.
    static let functions: Result<strata_mariadb_api, StrataError> = load(
        candidates: ProcessInfo.processInfo.environment[pathVariable].map { [$0] } ?? defaultNames
    )

    /// Where the connector is looked for by default: its versioned name, which the dynamic
    /// loader finds in the system's library directories.
    static var defaultNames: [String] {
        #if os(macOS)
        ["libmariadb.3.dylib", "/opt/homebrew/lib/mariadb/libmariadb.3.dylib", "/usr/local/lib/mariadb/libmariadb.3.dylib"]
        #else
        ["libmariadb.so.3"]
        #endif
    }

    /// Opens the first of `candidates` that loads, and initialises the connector.
    static func load(candidates: [String]) -> Result<strata_mariadb_api, StrataError> {
        var problems: [String] = []
        for path in candidates {
            switch open(path) {
            case .success(let api):
                guard api.mysql_server_init(0, nil, nil) == 0 else {
                    return .failure(StrataError(.failure, "The MariaDB Connector/C at \(path) could not be initialised (mysql_library_init failed)."))
                }
                return .success(api)
            case .failure(let problem):
                problems.append(problem.message)
            }
        }
        return .failure(StrataError(
            .configuration,
            "Cannot load the MariaDB Connector/C, which the MySQL driver uses: \(problems.joined(separator: "; ")).",
            hint: "Install it (Debian/Ubuntu: apt-get install libmariadb3; macOS: brew install mariadb-connector-c), "
                + "or set \(pathVariable) to the path of its library file (libmariadb.so.3)."
        ))
    }

    /// What the dynamic loader said when a library did not load.
    private struct LoaderMessage: Error {
        let message: String
    }

    /// The connector's functions from the library at `path`, or the dynamic loader's message.
    private static func open(_ path: String) -> Result<strata_mariadb_api, LoaderMessage> {
        // Filled by C; read only once every function was found.
        let storage = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<strata_mariadb_api>.size, alignment: MemoryLayout<strata_mariadb_api>.alignment
        )
        defer { storage.deallocate() }
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<strata_mariadb_api>.size)
        let api = storage.bindMemory(to: strata_mariadb_api.self, capacity: 1)
        if let problem = strata_mariadb_load(path, api) {
            return .failure(LoaderMessage(message: String(cString: problem)))
        }
        return .success(api.pointee)
    }
}
#endif
