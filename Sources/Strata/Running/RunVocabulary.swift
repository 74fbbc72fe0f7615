/// The words a ``Migrator`` uses in its messages, so that the same engine can run
/// migrations (`strata migrate`) and seeders (`strata seed`) and say the right thing.
public struct RunVocabulary: Sendable, Hashable {
    /// `migration` or `seeder`.
    public var noun: String
    /// The command that applies, e.g. `strata migrate`.
    public var applyCommand: String
    /// The command that reverts, e.g. `strata undo`.
    public var undoCommand: String
    /// The command that settles a dirty one, e.g. `strata resolve`.
    public var resolveCommand: String

    /// Creates a vocabulary.
    public init(noun: String, applyCommand: String, undoCommand: String, resolveCommand: String) {
        self.noun = noun
        self.applyCommand = applyCommand
        self.undoCommand = undoCommand
        self.resolveCommand = resolveCommand
    }

    /// Schema migrations.
    public static let migrations = RunVocabulary(
        noun: "migration", applyCommand: "strata migrate", undoCommand: "strata undo", resolveCommand: "strata resolve"
    )

    /// Seeders: data loaded after the schema, tracked in their own history.
    public static let seeders = RunVocabulary(
        noun: "seeder", applyCommand: "strata seed", undoCommand: "strata seed --undo", resolveCommand: "strata resolve --seeder"
    )

    /// The noun with a capital first letter, to start a sentence.
    public var capitalizedNoun: String { noun.prefix(1).uppercased() + noun.dropFirst() }

    /// The command for a direction.
    public func command(_ direction: MigrationDirection) -> String {
        direction == .up ? applyCommand : undoCommand
    }
}
