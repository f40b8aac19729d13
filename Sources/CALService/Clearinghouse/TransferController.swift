import CALClearinghouse
import CALCore
import CALWire
import Hummingbird

/// `POST /v1/transfers` (operator): authorises the once-only transfer of a CAL's seat. The
/// license file as a client stores it (the license first, then its server certificate) in, the
/// grant (DER CMS) out.
struct TransferController: Sendable {
    let clearinghouse: Clearinghouse
    let operatorToken: BearerToken?
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.transfers) { request, _ in
            try BearerToken.authorize(request, with: operatorToken)
            var request = request
            try request.requireContentType(MediaType.pemFile, for: "the license file (PEM)")
            let body = try await request.bodyBytes(upTo: bodyLimit)
            let certificates = try PEMBundle.certificates(in: String(decoding: body, as: UTF8.self), path: "the request body")
            guard let license = certificates.first else { throw CALError.malformed(what: "the request body", reason: "no license") }
            let grant = try await LedgerWork.run { try clearinghouse.authorizeTransfer(of: license) }
            return .bytes(grant.signedBytes, type: MediaType.cms, status: .created)
        }
    }
}
