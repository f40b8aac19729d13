import CALClient
import CALCore
import X509

/// What a host checks licenses against besides its roots: its license server's CRLs and the
/// key packs the clearinghouse signed for it (verified).
struct HostEvidence: Sendable {
    /// CRLs still before their next update.
    var revocationLists: [CertificateRevocationList]
    /// Verified key packs.
    var keyPacks: [KeyPackContent]

    /// Whether a pack with this id is known.
    func knowsPack(_ packID: String) -> Bool { keyPacks.contains { $0.keyPackID == packID } }

    /// A verifier of licenses with `chain` against `roots` and this evidence.
    func verifier(roots: [Certificate], chain: [Certificate]) -> LicenseVerifier {
        LicenseVerifier(trustRoots: roots, intermediates: chain, revocationLists: revocationLists, keyPacks: keyPacks)
    }
}
