import StrataCLI

/// The standalone `strata` binary: SQL-file migrations with the drivers built in.
@main
struct StrataMain {
    static func main() async {
        await StrataCLI.main()
    }
}
