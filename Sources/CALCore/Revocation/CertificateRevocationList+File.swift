import SwiftASN1

extension CertificateRevocationList {
    /// Reads a CRL file, PEM (`X509 CRL`) or DER.
    public static func read(at path: String) throws -> CertificateRevocationList {
        let bytes = try SecureFile.read(path)
        var der = bytes
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN ") {
            let documents = try PEMBundle.documents(in: text, path: path)
            guard let document = documents.first, documents.count == 1 else {
                throw CALError.malformed(what: path, reason: "a CRL file holds exactly one PEM block")
            }
            guard document.discriminator == "X509 CRL" else {
                throw CALError.wrongKind(path: path, expected: "a CRL", found: "a \(document.discriminator)")
            }
            der = document.derBytes
        }
        do {
            return try CertificateRevocationList(derEncoded: der)
        } catch {
            throw CALError.malformed(what: "the CRL in \(path)", reason: CALError.reason(describing: error))
        }
    }

    /// The CRL as PEM text.
    public var pemString: String { String(decoding: pemBytes, as: UTF8.self) }

    /// The CRL as the bytes of its PEM text, with a final newline (written in one pass).
    public var pemBytes: [UInt8] { PEMText.encodeBytes(type: "X509 CRL", derBytes: derBytes, trailer: "\n") }
}
