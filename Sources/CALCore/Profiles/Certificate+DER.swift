import SwiftASN1
import X509

extension Certificate {
    /// The DER encoding of the certificate.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension Certificate {
    /// The certified key's SubjectPublicKeyInfo as the certificate encodes it, sliced from the
    /// signed bytes (no conversion of the key); nil if they do not read.
    public var publicKeyInfoBytes: [UInt8]? {
        guard let fields = DERBytes.children(of: tbsCertificateBytes[...]), let first = fields.first else { return nil }
        // version [0] is present in every v3 certificate; then serial, algorithm, issuer, validity, subject, key.
        let index = first.first == 0xA0 ? 6 : 5
        return fields.count > index ? Array(fields[index]) : nil
    }
}

extension Certificate.PublicKey {
    /// The key's SubjectPublicKeyInfo, DER.
    public var publicKeyInfoBytes: [UInt8]? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(self)) != nil else { return nil }
        return serializer.serializedBytes
    }
}

extension CertificateSigningRequest {
    /// The DER encoding of the request.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
