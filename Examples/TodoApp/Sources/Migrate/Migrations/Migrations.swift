import Strata

/// The Swift migrations of this directory, oldest first; hand it to
/// `StrataCLI.main(migrations:)`. `strata generate --swift` adds to the list, and every
/// command refuses to run while a migration file here is missing from it.
let migrations = MigrationRegistry([
    CreateUsers(),
    CreateTodos(),
    AddStatusToTodos(),
])
