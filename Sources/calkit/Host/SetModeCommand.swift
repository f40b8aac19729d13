import ArgumentParser
import CALCore
import CALHost

/// `calkit host set-mode`: changes the licensing mode.
struct SetModeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-mode", abstract: "Change the host's licensing mode.")

    @OptionGroup var home: HomeOption
    @Argument(help: "per-device or per-user.") var mode: LicenseType

    func run() throws {
        try home.sessionHost().setMode(mode)
        print("Licensing mode is now \(mode.rawValue)")
    }
}
