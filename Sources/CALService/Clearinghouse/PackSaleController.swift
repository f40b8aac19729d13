import CALClearinghouse
import CALCore
import CALWire
import Hummingbird

/// `POST /v1/packs` on the clearinghouse (operator): sells a key pack bound to the license
/// server whose certificate the order names; the signed pack (DER CMS) out.
struct PackSaleController: Sendable {
    let clearinghouse: Clearinghouse
    let operatorToken: BearerToken?
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.packs) { request, _ in
            try BearerToken.authorize(request, with: operatorToken)
            var request = request
            let order = try await request.decode(PackOrderMessage.self, upTo: bodyLimit, what: "the pack order")
            let serverCertificate = try order.certificate()
            let pack = try await LedgerWork.run {
                try clearinghouse.issuePack(
                    serverCertificate: serverCertificate, licenseType: order.licenseType, count: order.count,
                    product: order.product, productVersion: order.productVersion ?? "", agreementNumber: order.agreement
                )
            }
            return .bytes(pack.signedBytes, type: MediaType.cms, status: .created)
        }
    }
}
