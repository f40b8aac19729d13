import Foundation
import SwiftASN1
import X509

/// Where relying parties find a license's revocation status: the CRL distribution point
/// (`BASE/crl`) and the OCSP responder (`BASE/ocsp`) of a license server served at a public URL.
public struct RevocationPointers: Sendable, Hashable {
    /// The CRL's URL.
    public let crlURL: String
    /// The OCSP responder's URL.
    public let ocspURL: String

    /// The pointers of a license server served at `publicURL` (http or https, no query).
    public init(publicURL: String) throws {
        guard let url = URL(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil, url.query == nil,
            publicURL.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        else {
            throw CALError.invalidArgument("the public URL must be a base URL such as http://licenses.example.com:8750")
        }
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        crlURL = base + "/crl"
        ocspURL = base + "/ocsp"
    }

    static let crlDistributionPointsOID: ASN1ObjectIdentifier = [2, 5, 29, 31]

    /// The delta CRL's URL (`BASE/crl/delta`): the freshest CRL pointer of licenses and CRLs.
    public var deltaCRLURL: String { crlURL + "/delta" }

    /// The three non-critical extensions: CRL distribution points, freshest CRL (where the
    /// delta CRLs are) and authority information access.
    public func extensions() throws -> [Certificate.Extension] {
        let distribution = Certificate.Extension(oid: Self.crlDistributionPointsOID, critical: false, value: Self.distributionPoints(url: crlURL)[...])
        let freshest = Certificate.Extension(
            oid: CertificateRevocationList.freshestCRLOID, critical: false, value: Self.distributionPoints(url: deltaCRLURL)[...]
        )
        let access = try Certificate.Extension(
            AuthorityInformationAccess([.init(method: .ocspServer, location: .uniformResourceIdentifier(ocspURL))]),
            critical: false
        )
        return [distribution, freshest, access]
    }

    /// The DER of `CRLDistributionPoints` (the syntax of freshest CRL too) naming one URL:
    /// `SEQUENCE OF DistributionPoint { [0] DistributionPointName { fullName [0] GeneralNames } }`.
    static func distributionPoints(url: String) -> [UInt8] {
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { points in
            points.appendConstructedNode(identifier: .sequence) { point in
                point.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { name in
                    name.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { names in
                        names.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific)) {
                            $0.append(contentsOf: Array(url.utf8))
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }
}
