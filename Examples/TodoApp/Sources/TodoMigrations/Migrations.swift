import Strata

/// The Swift migrations of this directory, oldest first; hand it to
/// `StrataCLI.main(migrations:)`, `app.prepareDatabase(migrations:)` (Hummingbird) or
/// `app.strata.use(migrations:)` (Vapor). `strata generate --swift` adds to the list, and
/// every command refuses to run while a migration file here is missing from it. The
/// declared schema, `model` (Model.swift), rides along for `generate --from-schema`.
public let migrations = MigrationRegistry([
    CreateUsers(),
    CreateTodos(),
    AddStatusToTodos(),
], model: model)
