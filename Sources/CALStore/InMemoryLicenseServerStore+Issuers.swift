import CALCore
import CALLicensing
import Foundation

/// Issuers: activation, rotation and their counts.
extension InMemoryLicenseServerStore {
    public func issuers() throws -> [IssuerRecord] {
        read { state in
            state.issuers.enumerated().sorted { ($0.element.activatedAt, $0.offset) < ($1.element.activatedAt, $1.offset) }.map { entry in
                var issuer = entry.element
                let signed = state.licenses.filter { $0.issuerKeyID == issuer.keyID }
                issuer.licensesIssued = signed.count
                issuer.lastLicenseExpires = signed.map(\.notAfter).max()
                return issuer
            }
        }
    }

    public func issuer(keyID: String) throws -> IssuerRecord? { read { $0.issuers.first { $0.keyID == keyID } } }

    public func activateIssuer(_ issuer: IssuerRecord, previousMovedTo previousFiles: RetiredFiles?, now: Date) throws {
        try write { state in
            let first = state.issuers.isEmpty
            let previous = state.issuers.firstIndex { $0.keyFile == issuer.keyFile && $0.keyID != issuer.keyID }
            if let previous {
                if state.issuers[previous].status == .active { state.issuers[previous].status = .retired }
                state.issuers[previous].retiredAt = state.issuers[previous].retiredAt ?? now
                state.issuers[previous].keyFile = previousFiles?.keyFile ?? ""
                state.issuers[previous].chainFile = previousFiles?.chainFile ?? ""
            }
            if let existing = state.issuers.firstIndex(where: { $0.keyID == issuer.keyID }) {
                state.issuers[existing].certificateSerial = issuer.certificateSerial
                state.issuers[existing].certificate = issuer.certificate
                state.issuers[existing].keyFile = issuer.keyFile
                state.issuers[existing].chainFile = issuer.chainFile
            } else {
                var added = issuer
                added.status = .active
                added.activatedAt = now
                added.retiredAt = nil
                added.licensesIssued = 0
                added.lastLicenseExpires = nil
                state.issuers.append(added)
            }
            if first {
                for index in state.licenses.indices where state.licenses[index].issuerKeyID == nil {
                    state.licenses[index].issuerKeyID = issuer.keyID
                }
            }
            let previousKeyID = previous.map { state.issuers[$0].keyID }
            try state.append(
                at: now, event: previousKeyID == nil ? "certificate-installed" : "key-rotated", subject: issuer.keyID,
                detail: "certificate \(issuer.certificateSerial)" + (previousKeyID.map { ", replacing key \($0)" } ?? "")
            )
        }
    }

    public func requestRotation(newKeyID: String, compromisedKeyID: String?, now: Date) throws {
        try write { state in
            if let compromisedKeyID {
                if let index = state.issuers.firstIndex(where: { $0.keyID == compromisedKeyID }) {
                    state.issuers[index].status = .compromised
                    state.issuers[index].retiredAt = state.issuers[index].retiredAt ?? now
                }
                try state.append(at: now, event: "key-compromised", subject: compromisedKeyID, detail: "signs nothing from now on")
            }
            try state.append(at: now, event: "key-rotation-requested", subject: newKeyID, detail: compromisedKeyID == nil ? "" : "compromise recovery")
        }
    }
}
