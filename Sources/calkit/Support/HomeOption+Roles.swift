import CALClearinghouse
import CALClient
import CALCore
import CALHost
import CALLicenseServer

/// Opening the role in `--home` with the command's clock and passphrase, the same way in every command.
extension HomeOption {
    /// The license server in `--home`.
    func licenseServer() throws -> LicenseServer {
        try LicenseServer(home: home, time: try time(), passphrase: try passphrase())
    }

    /// The license server in `--home`, for its service: on the system clock unless the home
    /// was made for simulation.
    func servedLicenseServer() throws -> LicenseServer {
        try LicenseServer(home: home, time: try clock.serviceSource(home: home, role: .server), passphrase: try passphrase())
    }

    /// The clearinghouse in `--home`, for its service (see ``servedLicenseServer()``).
    func servedClearinghouse() throws -> Clearinghouse {
        try Clearinghouse(home: home, time: try clock.serviceSource(home: home, role: .clearinghouse), passphrase: try passphrase())
    }

    /// The clearinghouse in `--home`.
    func clearinghouse() throws -> Clearinghouse {
        try Clearinghouse(home: home, time: try time(), passphrase: try passphrase())
    }

    /// The client in `--home`.
    func client() throws -> ClientIdentity {
        try ClientIdentity(home: home, passphrase: try passphrase())
    }

    /// The session host in `--home`.
    func sessionHost() throws -> SessionHost {
        try SessionHost(home: home, time: try time())
    }
}
