import CALCore
import CALLicensing
internal import CALStore
import Foundation
import X509

/// The license server's side of the logon flow: what a host gets for a client. The rules are
/// ``LogonPolicy``'s; this reads the ledger, judges the presented license, and carries the plan out.
extension LicenseServer: LicenseSource {
    public func requestLicense(_ request: LicenseRequest) async throws -> LicenseGrant {
        try grantLicense(request)
    }

    /// The logon flow's answer to `request`, on the caller's thread: what ``requestLicense(_:)``
    /// gives, for a service that runs ledger work on threads of its own (it blocks until the
    /// ledger has synced what it wrote).
    public func grantLicense(_ request: LicenseRequest) throws -> LicenseGrant {
        let subject: LicenseSubject
        do {
            subject = try ClientLicenseRequest.subject(of: request.csr)
        } catch let error as CALError {
            return .refused(CALError(.badRequest, error.description))
        }
        guard subject.licenseType == request.mode else {
            return .refused(CALError(.badRequest, "a \(request.mode.rawValue) host sent a request for \(subject)"))
        }
        if let product = request.product {
            do { try ProductName.validate(product) } catch let error as CALError { return .refused(CALError(.badRequest, error.detail)) }
        }
        guard (try? chain()) != nil else { return .refused(.notActivated) }

        // Only a license naming this server is looked up; another server's is as good as none.
        let presentedValue = request.presented.flatMap { try? LicenseExtension(of: $0) }
        let presented = presentedValue?.licenseServerID == serverID ? request.presented : nil
        let readSnapshot = {
            try self.records {
                try $0.logonSnapshot(
                    subjectName: subject.name, licenseType: request.mode,
                    presentedSerial: presented.map { SerialNumbers.hex($0.serialNumber) }
                )
            }
        }
        // Decided on one read of the ledger; decided again when another request (on this node or
        // another) changed the subject's licenses before this one could act on it.
        for _ in 0..<Self.decisionAttempts {
            do {
                return try decide(request, subject: subject, presented: presented, now: time.now, readSnapshot: readSnapshot)
            } catch is SubjectHistory.Changed {
                continue
            }
        }
        throw CALError.storage("the licenses of \(subject.name) kept changing while this request was decided; ask again")
    }

    /// How many times a logon is decided before the license server gives up on a subject whose
    /// licenses keep changing under it.
    static let decisionAttempts = 16

    /// Decides one logon on one read of the ledger and carries the plan out; throws
    /// ``SubjectHistory/Changed`` when the subject's licenses changed after the read.
    private func decide(
        _ request: LicenseRequest, subject: LicenseSubject, presented: Certificate?, now: Date, readSnapshot: () throws -> LogonSnapshot
    ) throws -> LicenseGrant {
        var snapshot = try readSnapshot()
        // A license of this server the ledger does not know: read again only if it was taken back.
        if let presented, snapshot.presented == nil, try adoptIfLost(presented) { snapshot = try readSnapshot() }
        let continuity = (try? KeyContinuity(of: request.csr)).flatMap { $0 }.flatMap { $0.isValid(for: request.csr.publicKey) ? $0 : nil }
        let judged = presented.map { judge($0, record: snapshot.presented) }
        // The presented license, once judged to be the record, gives its key without another parse.
        var knownKeys: [String: String] = [:]
        if case .recorded(let license) = judged { knownKeys[license.serial] = license.keyID }
        let facts = LogonFacts(
            mode: request.mode,
            subjectName: subject.name,
            requestKeyID: request.csr.publicKey.keyIdentifier,
            previousKeyID: continuity?.previousKey.keyIdentifier,
            product: request.product,
            presented: judged,
            history: snapshot.history.compactMap { try? $0.ledgerLicense(keyID: knownKeys[$0.serial]) },
            productsWithPacks: snapshot.productsWithPacks,
            compromisedIssuers: Set(snapshot.issuers.filter(\.compromised).map(\.keyID)),
            now: now
        )
        let history = SubjectHistory(subjectName: subject.name, licenseType: request.mode, history: snapshot.history)
        return try carryOut(LogonPolicy.decide(facts), for: request, subject: subject, history: history)
    }

    /// A fresh CRL of the active issuer and of every retired issuer that still publishes.
    public func revocationLists() async throws -> [CertificateRevocationList] {
        var lists = [try revocationList()]
        for issuer in try issuers() where issuer.status == .retired {
            lists.append(try revocationList(issuerKeyID: issuer.keyID))
        }
        return lists
    }

    public func signedKeyPacks() async throws -> [[UInt8]] {
        try records { try $0.installedPacks() }.map(\.signedBytes)
    }

    /// What a presented license naming this server is: this server's record of it when the
    /// certificate is byte for byte the one its ledger recorded when an issuer signed it (a
    /// stronger proof than checking the signature again: nothing else is ever recorded, serials
    /// are never reused); otherwise forged, whatever it claims or whoever signed it.
    func judge(_ presented: Certificate, record: IssuedLicense?) -> PresentedLicense {
        let serial = SerialNumbers.hex(presented.serialNumber)
        guard let record, let der = try? presented.derBytes(), der == record.certificate else {
            return .forged("no license with serial \(serial) and these contents was issued here")
        }
        // Byte for byte the record: its key is the presented certificate's.
        guard let ledger = try? record.ledgerLicense(keyID: presented.recordedKeyIdentifier) else {
            return .forged("the record of \(serial) does not read")
        }
        return .recorded(ledger)
    }


    /// Takes back into the ledger a license this server signed that the ledger does not hold (a
    /// restore from a backup older than the license, without its journal), with its seat when
    /// that seat is free; otherwise the license stays unknown and is judged as such.
    /// Called only for a presented license the ledger does not hold; true when it now does.
    func adoptIfLost(_ presented: Certificate) throws -> Bool {
        let serial = SerialNumbers.hex(presented.serialNumber)
        guard case .success(let value) = ClientLicenseProfile.check(presented), value.licenseServerID == serverID,
            let name = SubjectNames.commonName(of: presented.subject),
            let issuer = try issuers().first(where: { record in
                (try? PEMBundle.certificateFromDER(record.certificate)).map { $0.publicKey.isValidSignature(presented.signature, for: presented) } == true
            })
        else { return false }
        let license = IssuedLicense(
            serial: serial, licenseType: value.licenseType, status: value.status, product: value.product, productVersion: value.productVersion,
            subjectName: name, packID: value.keyPackID, seat: value.seat, notBefore: presented.notValidBefore, notAfter: presented.notValidAfter,
            certificate: try presented.derBytes(), issuerKeyID: issuer.keyID
        )
        return try records { try $0.adopt(license, now: time.now) }
    }

    /// Carries out a plan; where the ledger finds it cannot be done, its fallback instead.
    private func carryOut(_ plan: LogonPlan, for request: LicenseRequest, subject: LicenseSubject, history: SubjectHistory) throws -> LicenseGrant {
        switch plan {
        case .issueTemporary(let product):
            return .issued(try issue(request: request.csr, subject: subject, licenseType: request.mode, temporary: true, product: product, superseding: nil, expecting: history))
        case .issuePermanent(let product, let superseding, let otherwise):
            do {
                return .issued(
                    try issue(request: request.csr, subject: subject, licenseType: request.mode, temporary: false, product: product, superseding: superseding,
                        expecting: history
                    )
                )
            } catch let error as CALError where [.noSeatAvailable, .noPackForProduct, .perUserLimitReached].contains(error.code) {
                return try carryOut(otherwise, for: request, subject: subject, history: history)
            }
        case .renew(let serial, let otherwise):
            do {
                return .issued(try reissue(serial: serial, request: request.csr, subject: subject, as: .renewal, expecting: history))
            } catch let error as CALError where error.code == .notRenewable {
                return try carryOut(otherwise, for: request, subject: subject, history: history)
            }
        case .replace(let serial, let reason, let otherwise):
            do {
                return .issued(try reissue(serial: serial, request: request.csr, subject: subject, as: .replacement(revokingOldWith: reason), expecting: history))
            } catch let error as CALError where error.code == .notRenewable {
                return try carryOut(otherwise, for: request, subject: subject, history: history)
            }
        case .handOut(let serial):
            guard let record = try records({ try $0.licenses(serial: serial) }) else { throw CALError.unknownSerial(serial) }
            return .issued(license: try PEMBundle.certificateFromDER(record.certificate), chain: [try issuerCertificate(of: record)])
        case .keepCurrent:
            return .keepCurrent
        case .refuse(let refusal):
            return .refused(refusal)
        }
    }

    /// The certificate of the issuer that signed a recorded license.
    private func issuerCertificate(of license: IssuedLicense) throws -> Certificate {
        let active = try activeIssuer()
        guard let keyID = license.issuerKeyID, keyID != active.keyID,
            let record = try records({ try $0.issuer(keyID: keyID) })
        else { return active.certificate }
        return try PEMBundle.certificateFromDER(record.certificate)
    }
}

extension LicenseGrant {
    /// A grant of a newly issued license.
    static func issued(_ issued: IssuedCertificate) -> LicenseGrant {
        .issued(license: issued.certificate, chain: [issued.issuer])
    }
}
