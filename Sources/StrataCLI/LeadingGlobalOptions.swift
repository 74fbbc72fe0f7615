import ArgumentParser

/// Lets the global options come before the subcommand, as in `strata -C Examples/Quickstart migrate`
/// or `strata --env production db create`: they are moved after the subcommand's names, where
/// the argument parser reads them.
enum LeadingGlobalOptions {
    /// Global options that take a value.
    static let withValue: Set<String> = ["-C", "--env", "--config"]
    /// Global flags.
    static let flags: Set<String> = ["-q", "--quiet", "-v", "--verbose"]

    static func reorder(_ arguments: [String], root: any ParsableCommand.Type = StrataCommand.self) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if withValue.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if flags.contains(argument) || withValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        // Past the subcommand's name, and its own subcommand's (`db create`).
        var command = root
        var end = index
        while end < arguments.count, let next = command.configuration.subcommands.first(where: { $0._commandName == arguments[end] }) {
            command = next
            end += 1
        }
        end = max(end, index + 1)
        return Array(arguments[index..<end]) + leading + arguments[end...]
    }
}
