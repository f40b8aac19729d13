import CALCore
import Foundation

/// Which licenses may move to another device. Only the standing permanent per-device CAL of a
/// seat moves: moving a renewed (superseded), expired or revoked one would leave the seat's
/// current holder licensed beside the new device, two licenses on one seat.
public enum TransferEligibility {
    /// Why `license` cannot be transferred at `now` (`not-transferable`), or nil when it can. `seatHolder` is the
    /// serial the ledger says holds the license's seat.
    public static func refusal(of license: LedgerLicense, seatHolder: String?, at now: Date) -> String? {
        guard license.licenseType == .perDevice, license.status == .permanent, license.seat != nil else {
            return "only permanent per-device CALs move between devices"
        }
        if license.isRevoked {
            return "license \(license.serial) is revoked"
        }
        if let newer = license.supersededBy {
            return "license \(license.serial) was renewed or replaced by \(newer); transfer that one"
        }
        if license.notAfter <= now {
            return "license \(license.serial) has expired; its seat is back in the pool"
        }
        if seatHolder != license.serial {
            return "the seat of license \(license.serial) is held by another license"
        }
        return nil
    }

    /// The clearinghouse's part, which sees the certificate and not the server's ledger: a
    /// license that has expired (or is not yet valid) at `now` is not transferable.
    public static func refusal(validFrom notBefore: Date, until notAfter: Date, at now: Date) -> String? {
        guard notBefore <= now, now < notAfter else {
            return "the license is not valid at \(now.iso8601); only a standing CAL moves"
        }
        return nil
    }
}
