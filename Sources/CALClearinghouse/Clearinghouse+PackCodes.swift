import CALCore
internal import CALStore
import Foundation
import X509

/// Key pack codes: what the vendor gives a customer who bought CALs, so that the customer can
/// fetch the pack for their own license server from the web pages (the web browser method).
/// A code allows exactly one order — agreement, product, version, license type and count —
/// once, until it expires; only its hash is kept.
extension Clearinghouse {
    /// Issues a one-time code for one key pack, valid for `validDays`; shown once, to the operator.
    public func issuePackCode(
        agreement: String,
        licenseType: LicenseType,
        product: String,
        productVersion: String,
        count: Int,
        validDays: Int = 30
    ) throws -> (code: ActivationCode, expiresAt: Date) {
        try Self.checkOrder(count: count, product: product, productVersion: productVersion, agreementNumber: agreement)
        guard (1...Self.activationCodeMaximumDays).contains(validDays) else {
            throw CALError.invalidArgument("a key pack code is valid for 1 to \(Self.activationCodeMaximumDays) days")
        }
        let code = ActivationCode.random()
        let now = time.now
        let expiresAt = now.addingDays(validDays)
        try records {
            try $0.recordPackCode(
                PackCodeRecord(
                    codeHash: code.hash, agreementNumber: agreement, licenseType: licenseType.rawValue, product: product,
                    productVersion: productVersion, count: count, issuedAt: now, expiresAt: expiresAt
                )
            )
        }
        return (code, expiresAt)
    }

    /// Sells the pack a code allows to the activated server `serverID`: the order must be what
    /// the code allows. Asked again with the same code, server and order (a form sent twice, a
    /// page reloaded), it answers the pack sold the first time and sells nothing new.
    public func buyPack(
        code: ActivationCode,
        serverID: String,
        licenseType: LicenseType,
        count: Int,
        product: String,
        productVersion: String,
        agreementNumber: String
    ) throws -> KeyPack {
        guard let id = CALIdentifier.normalized(serverID) else {
            throw CALError.invalidArgument("\(serverID) is not a license-server id: it has 35 letters and digits, as the license server printed it")
        }
        let order = SoldPack(
            packID: "", serverID: id, licenseType: licenseType.rawValue, count: count, product: product, productVersion: productVersion,
            agreementNumber: agreementNumber, issuedAt: time.now
        )
        let known = try records { try $0.packCode(hash: code.hash) }
        if let packID = known?.packID {
            guard let signed = try records({ try $0.signedPack(packID: packID) }) else { throw CALError.packCodeInvalid }
            let sold = try KeyPack.unverified(signed)
            guard Self.sameOrder(sold.content, order) else { throw CALError.packCodeInvalid }
            return sold
        }
        if let known, let mismatch = Self.orderMismatch(known, order) { throw CALError.invalidArgument(mismatch) }
        guard let activation = try records({ try $0.activation(serverID: id) }), activation.revokedAt == nil else {
            throw CALError.invalidArgument("no license server with id \(CALIdentifier.grouped(id)) is activated here: activate it first")
        }
        return try issuePack(
            serverCertificate: try PEMBundle.certificateFromDER(activation.certificate), licenseType: licenseType, count: count,
            product: product, productVersion: productVersion, agreementNumber: agreementNumber, packCode: code
        )
    }

    /// The signed bytes of a pack sold here, to hand it out again; nil for an unknown pack.
    public func signedPack(packID: String) throws -> [UInt8]? {
        try records { try $0.signedPack(packID: packID) }
    }

    /// What is wrong with an order for what a code allows, in plain words; nil when it is exactly that.
    static func orderMismatch(_ code: PackCodeRecord, _ order: SoldPack) -> String? {
        var differences: [String] = []
        if code.agreementNumber != order.agreementNumber { differences.append("the agreement number is not the one the code was sold under") }
        if code.product != order.product { differences.append("the product is \(code.product), not \(order.product)") }
        if code.productVersion != order.productVersion { differences.append("the product version is \(code.productVersion), not \(order.productVersion)") }
        if code.licenseType != order.licenseType { differences.append("the CALs are \(code.licenseType), not \(order.licenseType)") }
        if code.count != order.count { differences.append("the code is for \(code.count) CALs, not \(order.count)") }
        guard !differences.isEmpty else { return nil }
        return "the order is not what the code allows: " + differences.joined(separator: "; ")
    }

    private static func sameOrder(_ sold: KeyPackContent, _ order: SoldPack) -> Bool {
        sold.licenseServerID == order.serverID && sold.licenseType.rawValue == order.licenseType && sold.count == order.count
            && sold.product == order.product && sold.productVersion == order.productVersion && sold.agreementNumber == order.agreementNumber
    }
}
