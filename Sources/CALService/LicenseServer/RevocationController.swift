import CALCore
import CALLicenseServer
import CALWire
import Hummingbird

/// `/v1/revocations`: the operator revokes a license (within the revocation quota).
struct RevocationController: Sendable {
    let server: LicenseServer
    let adminToken: BearerToken?
    let bodyLimit: Int

    func add(to routes: ServiceRoutes) {
        routes.add(.post, WirePath.revocations) { request, _ in
            try BearerToken.authorize(request, with: adminToken)
            var request = request
            let message = try await request.decode(RevocationRequestMessage.self, upTo: bodyLimit, what: "the revocation")
            let reason = try message.revocationReason()
            let revoked = try await LedgerWork.run { try server.revoke(serial: message.serial, reason: reason) }
            return try .json(RevocationMessage(serial: revoked.serial, reason: reason.name, subject: revoked.subject))
        }
    }
}
