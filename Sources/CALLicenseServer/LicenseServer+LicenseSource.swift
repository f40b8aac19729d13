import CALCore
import CALStore
import Foundation
import X509

/// The license server's side of the logon flow: what a host gets for a client.
///
/// Per device: the first logon gets a temporary license (90 days, once per device and key); a
/// later logon presenting it gets a permanent CAL if a seat is free (the temporary one is then
/// superseded), or keeps it until it expires. A permanent CAL in its last 7 days is renewed on
/// its seat. Per user: a per-user license (tracked, not decremented), renewed the same way;
/// temporary licenses are not upgraded. A client that lost its store gets its standing license again.
/// A license signed by a key declared compromised is replaced on its seat, from the active
/// issuer; a client that re-keyed (its request proves the old key signed the new one) gets its
/// license moved to the new key on the same seat, the old one revoked as superseded.
extension LicenseServer: LicenseSource {
    public func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant {
        let subject: LicenseSubject
        do {
            subject = try ClientLicenseRequest.subject(of: request.csr)
        } catch let error as CALError {
            return .refused(LicenseRefusal(.badRequest, error.description))
        }
        guard subject.licenseType == request.mode else {
            return .refused(LicenseRefusal(.badRequest, "a \(request.mode.rawValue) host sent a request for \(subject)"))
        }
        guard (try? chain()) != nil else { return .refused(LicenseRefusal(.notActivated, CALError.notActivated.description)) }
        let now = time.now

        // A license the client presented, if it is this server's, for this subject and key.
        if let presented = request.presented, let value = try? LicenseExtension(of: presented),
            value.licenseServerID == serverID, value.licenseType == request.mode,
            value.subjectHash == subject.hash, presented.publicKey == request.csr.publicKey
        {
            if let grant = try decide(presented: presented, value: value, request: request, now: now) { return grant }
        }

        // Nothing usable presented: the standing license of this subject and key, if any.
        let current = try records { try $0.currentLicenses(subjectName: subject.name, licenseType: request.mode.rawValue, now: now) }
        let standing = current.filter { (try? PEMBundle.certificateFromDER($0.certificate).publicKey) == request.csr.publicKey }
        if let permanent = standing.last(where: { $0.status == LicenseStatus.permanent.rawValue }) {
            if try isCompromised(issuerKeyID: permanent.issuerKeyID) {
                return try grant { try reissue(serial: permanent.serial, request: request.csr, as: .replacement(revokingOldWith: nil)) }
            }
            return .issued(license: try PEMBundle.certificateFromDER(permanent.certificate), chain: [try issuerCertificate(of: permanent)])
        }

        // A client that re-keyed: the license of its previous key moves to the new one.
        let continuity = (try? KeyContinuity(of: request.csr)).flatMap { $0 }.flatMap { $0.isValid(for: request.csr.publicKey) ? $0 : nil }
        if let continuity,
            let previous = current.last(where: {
                $0.status == LicenseStatus.permanent.rawValue
                    && (try? PEMBundle.certificateFromDER($0.certificate).publicKey) == continuity.previousKey
            })
        {
            do {
                let moved = try reissue(
                    serial: previous.serial, request: request.csr, as: .replacement(revokingOldWith: RevocationReason.superseded.rawValue)
                )
                return .issued(license: moved.certificate, chain: [moved.issuer])
            } catch CALError.notRenewable {
                // Its seat went elsewhere meanwhile: the client is treated as any other.
            }
        }
        switch request.mode {
        case .perUser:
            return try grant { try issue(request: request.csr, licenseType: .perUser, temporary: false, product: request.product) }
        case .perDevice:
            if !standing.isEmpty {
                return .refused(LicenseRefusal(.temporaryAlreadyIssued, "this device already holds an unexpired temporary license"))
            }
            let history = try records { try $0.licenses(subjectName: subject.name, licenseType: LicenseType.perDevice.rawValue) }
            // A re-keyed client's previous key counts as its own: re-keying earns no second temporary.
            let keys = [request.csr.publicKey] + (continuity.map { [$0.previousKey] } ?? [])
            let hadTemporary = history.contains { record in
                guard record.status == LicenseStatus.temporary.rawValue,
                    let key = try? PEMBundle.certificateFromDER(record.certificate).publicKey
                else { return false }
                return keys.contains(key)
            }
            if hadTemporary {
                // The one temporary license is spent: only a permanent CAL remains.
                return try grant { try issue(request: request.csr, licenseType: .perDevice, temporary: false, product: request.product) }
            }
            return try grant { try issue(request: request.csr, licenseType: .perDevice, temporary: true, product: request.product) }
        }
    }

    /// The decision for a presented license of this subject; nil to fall through to the
    /// subject's standing license.
    private func decide(presented: Certificate, value: LicenseExtension, request: LicenseRequest, now: Date) throws -> LicenseGrant? {
        let serial = SerialNumbers.hex(presented.serialNumber)
        let valid = presented.notValidAfter > now
        switch value.status {
        case .permanent:
            guard valid else { return nil }
            if try isCompromised(issuerKeyID: presented.issuerKeyIdentifier) {
                do {
                    let replaced = try reissue(serial: serial, request: request.csr, as: .replacement(revokingOldWith: nil))
                    return .issued(license: replaced.certificate, chain: [replaced.issuer])
                } catch CALError.notRenewable {
                    return nil  // replaced before: the standing replacement is handed out below
                }
            }
            let window = TimeInterval(ClientLicenseProfile.renewalWindowDays) * 86_400
            guard presented.notValidAfter.timeIntervalSince(now) <= window else { return .keepCurrent }
            do {
                let renewed = try renew(serial: serial, request: request.csr)
                return .issued(license: renewed.certificate, chain: [renewed.issuer])
            } catch CALError.notRenewable {
                return .keepCurrent
            }
        case .temporary:
            guard request.mode == .perDevice else { return nil }  // per user: temporary licenses are not upgraded
            do {
                let upgraded = try issue(
                    request: request.csr, licenseType: .perDevice, temporary: false, product: request.product ?? value.product,
                    superseding: serial
                )
                return .issued(license: upgraded.certificate, chain: [upgraded.issuer])
            } catch CALError.noSeatAvailable, CALError.noPackForProduct {
                return valid
                    ? .keepCurrent
                    : .refused(LicenseRefusal(.noLicenseAvailable, "the temporary license has expired and no CAL is free"))
            }
        }
    }

    /// Whether the issuer with this key id was declared compromised. Licenses of the active
    /// issuer answer without a store read.
    private func isCompromised(issuerKeyID: String?) throws -> Bool {
        guard let issuerKeyID, issuerKeyID != (try? activeIssuer())?.keyID else { return false }
        return try records { try $0.issuer(keyID: issuerKeyID) }?.status == .compromised
    }

    /// The certificate of the issuer that signed a recorded license.
    private func issuerCertificate(of license: IssuedLicense) throws -> Certificate {
        let active = try activeIssuer()
        guard let keyID = license.issuerKeyID, keyID != active.keyID,
            let record = try records({ try $0.issuer(keyID: keyID) })
        else { return active.certificate }
        return try PEMBundle.certificateFromDER(record.certificate)
    }

    /// Runs an issuance and turns "nothing free" into a refusal.
    private func grant(_ body: () throws -> IssuedCertificate) throws -> LicenseGrant {
        do {
            let issued = try body()
            return .issued(license: issued.certificate, chain: [issued.issuer])
        } catch CALError.noSeatAvailable(let product) {
            return .refused(LicenseRefusal(.noLicenseAvailable, "no CAL of \(product) is free"))
        } catch CALError.noPackForProduct(let product, let type) {
            return .refused(LicenseRefusal(.noLicenseAvailable, "no \(type) key pack of \(product) is installed"))
        } catch let error as CALError where error.code == "per-user-limit-reached" {
            return .refused(LicenseRefusal(.noLicenseAvailable, error.description))
        }
    }
}
