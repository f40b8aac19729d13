import CALCore
import CALWire
import Foundation
import X509

/// The clearinghouse service as a license server's administrator reaches it: automatic
/// activation, buying a key pack, asking for a transfer grant, and the root's CRL.
public struct ClearinghouseClient: Sendable {
    private let client: ServiceClient

    /// A client for the clearinghouse at `url` (http or https); `token` is the operator's, for
    /// packs and transfers; `tlsTrust` the CA certificates (PEM file) its TLS certificate must chain to.
    public init(_ url: String, token: String? = nil, tlsTrust: String? = nil) throws {
        client = try ServiceClient(url, token: token, tlsTrust: tlsTrust)
    }

    /// Sends an activation request (PEM) with the one-time code of a first activation; the
    /// chain to install (the server certificate, then the root).
    public func activate(request: [UInt8], activationCode: String?) async throws -> [Certificate] {
        let answer = try await client.send(
            "POST", WirePath.activations, body: Data(request), contentType: MediaType.pkcs10,
            headers: activationCode.map { [(WirePath.activationCodeHeader, $0)] } ?? []
        )
        let body = try answer.body(expecting: 201, "the clearinghouse refused the activation")
        return try PEMBundle.certificates(in: String(decoding: body, as: UTF8.self), path: client.baseURL.absoluteString)
    }

    /// Buys a key pack for the server the order names; the signed pack (DER) to install.
    public func buyPack(_ order: PackOrderMessage) async throws -> [UInt8] {
        let answer = try await client.send("POST", WirePath.packs, body: Data(try WireJSON.encode(order)), contentType: MediaType.json)
        return Array(try answer.body(expecting: 201, "the clearinghouse refused the pack"))
    }

    /// Asks for the grant to transfer the seat of a license (its file as PEM); the grant (DER).
    public func authorizeTransfer(licenseFile: [UInt8]) async throws -> [UInt8] {
        let answer = try await client.send("POST", WirePath.transfers, body: Data(licenseFile), contentType: MediaType.pemFile)
        return Array(try answer.body(expecting: 201, "the clearinghouse refused the transfer"))
    }

    /// The root's CRL (license-server certificates revoked).
    public func revocationList() async throws -> CertificateRevocationList {
        let body = try await client.send("GET", WirePath.crl).body(expecting: 200, "GET \(WirePath.crl)")
        do {
            return try CertificateRevocationList(derEncoded: Array(body))
        } catch {
            throw CALError.malformed(what: "the clearinghouse's CRL", reason: CALError.reason(describing: error))
        }
    }
}
