import FuzzSupport
import Strata

/// `strata.yml` as users write it: the YAML read strictly, then every environment resolved
/// with `${VAR}` interpolation, URLs, discrete fields, tenants, and the lint settings.
///
/// Properties, beyond not crashing: every refusal is a ``StrataError`` (what the command
/// line prints, with its hint), never a Yams or Foundation error; resolving the same
/// environment twice gives the same connection.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    // The first byte is part of the text here: YAML has no use for a selector.
    let text = String(decoding: [input.selector] + input.body, as: UTF8.self)
    let variables = [
        "DATABASE_URL": "postgres://app:s3cret@db.example:5432/app?sslmode=require",
        "TENANT_DB": "sqlite:tenants/a.sqlite3",
        "HOST": "127.0.0.1",
        "EMPTY": "",
    ]
    let configuration: StrataConfiguration
    do {
        configuration = try ConfigurationLoader.parse(text, file: "strata.yml")
    } catch {
        requireStrataError(error, text: text)
        return 0
    }
    do {
        _ = try configuration.lintSeverities()
    } catch {
        requireStrataError(error, text: text)
    }
    for name in configuration.environments.keys.sorted() {
        do {
            let first = try configuration.environment(named: name, variables: variables)
            let second = try configuration.environment(named: name, variables: variables)
            guard first.connection == second.connection else {
                propertyFailed("an environment resolves the same way twice", "environment \(name)\ntext: \(text.debugDescription)")
            }
        } catch {
            requireStrataError(error, text: text)
        }
    }
    return 0
}

func requireStrataError(_ error: any Error, text: String) {
    guard error is StrataError else {
        propertyFailed("a configuration refusal is a StrataError", "\(type(of: error)): \(error)\ntext: \(text.debugDescription)")
    }
}
