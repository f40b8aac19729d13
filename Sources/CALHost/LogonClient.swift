import CALClient
import CALCore
import X509

/// What a session host needs from a client at logon; the client's side of the conversation.
public protocol LogonClient: Sendable {
    /// The client's device id.
    var deviceID: String { get }
    /// The client's public key.
    var publicKey: Certificate.PublicKey { get }
    /// The licenses the client stores, each with the chain it came with.
    func storedLicenses() throws -> [(license: Certificate, chain: [Certificate])]
    /// A license request signed by the client key, for the device or for `user`.
    func licenseRequest(user: String?) throws -> CertificateSigningRequest
    /// The client's signature over a host's challenge (proof of possession).
    func signChallenge(_ challenge: [UInt8]) throws -> Certificate.Signature
    /// Stores a license the host obtained for the client.
    func storeLicense(_ license: Certificate, chain: [Certificate]) throws
}

extension ClientIdentity: LogonClient {
    public func storedLicenses() throws -> [(license: Certificate, chain: [Certificate])] {
        try store.entries().compactMap { entry in
            guard case .success(let stored) = entry else { return nil }
            return (stored.license, stored.chain)
        }
    }

    public func licenseRequest(user: String?) throws -> CertificateSigningRequest { try request(user: user) }

    public func signChallenge(_ challenge: [UInt8]) throws -> Certificate.Signature { try sign(challenge: challenge) }

    public func storeLicense(_ license: Certificate, chain: [Certificate]) throws {
        try store.install([license] + chain)
    }
}
