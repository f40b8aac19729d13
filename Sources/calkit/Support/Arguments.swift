import ArgumentParser
import CALCore
import Foundation

extension KeyType: ExpressibleByArgument {}
extension LicenseType: ExpressibleByArgument {}

/// The `--home DIR` every role command takes, with the clock (`--now`) the role runs on.
struct HomeOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The role's state folder (keys, certificates, calkit.sqlite).", valueName: "dir"))
    var home: String
    @OptionGroup var clock: ClockOptions
    @OptionGroup var keys: PassphraseOptions

    /// The clock the role runs on.
    func time() throws -> any TimeSource { try clock.source() }

    /// The passphrase of the role's encrypted keys, if one was given.
    func passphrase() throws -> Passphrase? { try keys.passphrase() }
}

/// An instant given on the command line as ISO 8601 (`2027-03-01T12:00:00Z` or `2027-03-01`).
struct Instant: ExpressibleByArgument {
    let date: Date

    init?(argument: String) {
        let full = ISO8601DateFormatter()
        full.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = full.date(from: argument) ?? fractional.date(from: argument) ?? day.date(from: argument) else {
            return nil
        }
        self.date = date
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension String {
    /// This text with a trailing newline, as bytes, for writing to a file.
    var fileBytes: [UInt8] { Array((hasSuffix("\n") ? self : self + "\n").utf8) }
}
