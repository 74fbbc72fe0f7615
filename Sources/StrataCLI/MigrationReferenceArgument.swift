import ArgumentParser
import Strata

extension MigrationReference: ExpressibleByArgument {
    /// Accepts `20250519123045` or a whole id such as `20250519123045-create-users`, whose
    /// name must then be the migration's.
    public init?(argument: String) {
        self.init(argument)
    }
}
