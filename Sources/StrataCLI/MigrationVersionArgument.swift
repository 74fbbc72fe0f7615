import ArgumentParser
import Strata

extension MigrationVersion: ExpressibleByArgument {
    /// Accepts `20250519123045` or a whole id such as `20250519123045-create-users`.
    public init?(argument: String) {
        let digits = String(argument.prefix(14))
        guard argument.count == 14 || argument.dropFirst(14).first == "-" else { return nil }
        self.init(digits)
    }
}
