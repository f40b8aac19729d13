import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server reclaim`: frees the seats of expired permanent CALs.
struct ReclaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reclaim",
        abstract: "Return the seats of expired, unrenewed per-device CALs to their packs.",
        discussion: "Issuing does this by itself before it decides no seat is free; this command does it now and says how many."
    )

    @OptionGroup var home: HomeOption
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let reclaimed = try home.licenseServer().reclaimExpiredSeats()
        if json {
            Output.json(["reclaimed": reclaimed])
        } else {
            print("Reclaimed \(reclaimed) seat(s) of expired CALs")
        }
    }
}
