import Logging

extension Logger {
    /// The label Strata logs under.
    public static let strataLabel = "strata.migration"
}
