import CALCore
import Foundation
import X509

/// The clearinghouse root's CRL, which lists revoked license-server certificates: the
/// administrator installs it (from the clearinghouse's `GET /crl` or its file), and every logon
/// refuses the licenses of a revoked server (`issuer-revoked`) while it is before its next update.
extension SessionHost {
    /// Keeps `list` after checking that one of the host's trusted roots signed it; a CRL of the
    /// same root replaces the one kept before only if it is newer.
    public func installRootRevocationList(_ list: CertificateRevocationList) throws {
        guard roots.contains(where: { list.isSigned(by: $0) }) else {
            throw CALError.chainDoesNotVerify("the CRL is not signed by a root this host trusts")
        }
        var kept = rootRevocationLists().filter { $0.issuer != list.issuer || $0.thisUpdate > list.thisUpdate }
        if !kept.contains(where: { $0.issuer == list.issuer }) { kept.append(list) }
        try update { try $0.setSetting(Setting.rootRevocationLists, Self.encode(kept.map(\.derBytes))) }
    }

    /// The root CRLs kept, whatever their age.
    public func rootRevocationLists() -> [CertificateRevocationList] {
        Self.decode((try? setting(Setting.rootRevocationLists)) ?? nil).compactMap { try? CertificateRevocationList(derEncoded: $0) }
    }
}
