import CALCore
import CALLicenseServer
import CALWire
import Foundation
import Hummingbird

/// The OCSP responder (RFC 6960): `POST /ocsp` with the DER request, or `GET /ocsp/{request}`
/// with it base64- (and URL-) encoded in the path.
struct OCSPController: Sendable {
    let server: LicenseServer
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.ocsp) { request, _ in
            var request = request
            try request.requireContentType(MediaType.ocspRequest, for: "the OCSP request")
            return try answer(try await request.bodyBytes(upTo: bodyLimit))
        }
        routes.add(.get, WirePath.ocsp + "/**") { _, context in
            let encoded = context.parameters.getCatchAll().joined(separator: "/")
            let text = encoded.removingPercentEncoding ?? encoded
            guard let bytes = Data(base64Encoded: text) else {
                throw CALError(.malformed, "the path does not hold a base64 OCSP request")
            }
            return try answer(Array(bytes))
        }
    }

    private func answer(_ request: [UInt8]) throws -> Response {
        .bytes(try server.ocspResponseBytes(to: request), type: MediaType.ocspResponse)
    }
}
