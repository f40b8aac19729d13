import CALCore

/// Why a store operation failed, in the store's own terms; roles translate these for people.
public enum StoreError: Error, Hashable, Sendable {
    /// A key pack with this id is already installed.
    case packAlreadyInstalled(String)
    /// The issuer that signed a license is not the active issuer (retired or compromised).
    case issuerNotActive(String)
    /// No pack of the product and type is installed.
    case noPack(product: String, licenseType: LicenseType)
    /// Every seat of every matching pack is taken.
    case noSeatAvailable(product: String)
    /// A record with this serial number exists already.
    case duplicateSerial(String)
    /// No license with this serial number was issued here.
    case unknownSerial(String)
    /// The license was revoked before.
    case alreadyRevoked(String)
    /// Administrative revocations of this product version reached the quota.
    case revocationQuotaExceeded(product: String, productVersion: String, limit: Int)
    /// The seat is already in the transfer ledger.
    case seatAlreadyTransferred(keyPackID: String, seat: Int)
    /// The transfer grant was used before.
    case grantAlreadyUsed(String)
    /// The transfer grant does not match the license it names.
    case grantMismatch(String)
    /// The license was renewed before; the newer serial holds its place.
    case alreadySuperseded(serial: String, by: String)
    /// The license's seat went to another license after it expired.
    case seatLost(String)
    /// Strict per-user licensing: as many users hold a per-user license as were purchased.
    case userLimitReached(product: String, purchased: Int)
    /// The activation code is unknown, was used, or has expired.
    case activationCodeInvalid
    /// The database could not be opened, read or written.
    case database(String)
}
