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

extension CertificateSigningRequest {
    /// The DER encoding of the request.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}
