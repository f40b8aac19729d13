import CALClearinghouse
import CALCore
import CALLicenseServer
import CALService
import CALTestSupport
import CALWire
import Foundation
import Testing
import X509

@Suite("The clearinghouse's routes, in process")
struct ClearinghouseServiceTests {
    static let operatorToken = "operator-token-0123456789abcdef"

    static func service(_ deployment: Deployment) -> ServiceTesting {
        ServiceTesting(service: ClearinghouseService(clearinghouse: deployment.clearinghouse, operatorToken: BearerToken(operatorToken)))
    }

    @Test("Activation: a CSR without a code is 403, with a wrong one 403, with the operator's one-time code 201 and the chain; the code works once")
    func activation() async throws {
        let deployment = try await Deployment.make(packs: [])
        let server = try LicenseServer.create(at: deployment.folder.file("new-ls"), name: "New Server")
        let request = try SecureFile.read(server.home.file(LicenseServer.Files.activationRequest))
        let (code, _) = try deployment.clearinghouse.issueActivationCode(agreement: "4711")
        try await Self.service(deployment).run { client in
            let wrongType = try await client.send(.post, WirePath.activations, body: request, type: MediaType.json)
            #expect(wrongType.status == 415)
            let noCode = try await client.send(.post, WirePath.activations, body: request, type: MediaType.pkcs10)
            #expect(try noCode.error.error == "activation-code-required")
            let badCode = try await client.send(
                .post, WirePath.activations, body: request, type: MediaType.pkcs10, headers: [(WirePath.activationCodeHeader, "nonsense")]
            )
            #expect(try badCode.error.error == "activation-code-invalid")
            let garbage = try await client.send(.post, WirePath.activations, body: Array("hello".utf8), type: MediaType.pkcs10)
            #expect(try garbage.error.error == "malformed")
            let activated = try await client.send(
                .post, WirePath.activations, body: request, type: MediaType.pkcs10, headers: [(WirePath.activationCodeHeader, code.description)]
            )
            #expect(activated.status == 201)
            #expect(activated.headers[.contentType] == MediaType.pemCertificateChain)
            let chain = try PEMBundle.certificates(in: String(decoding: activated.body, as: UTF8.self), path: "answer")
            #expect(chain.last == deployment.clearinghouse.root)
            let reused = try await client.send(
                .post, WirePath.activations, body: request, type: MediaType.pkcs10, headers: [(WirePath.activationCodeHeader, code.description)]
            )
            #expect(reused.status >= 400)
        }
    }

    @Test("Pack sale and transfer need the operator's token; an order for zero CALs is 400; the sold pack installs on its server")
    func operatorRoutes() async throws {
        let deployment = try await Deployment.make(packs: [])
        let order = try PackOrderMessage(
            serverCertificate: try deployment.server.chain()[0], licenseType: .perDevice, count: 2, product: Deployment.product,
            productVersion: "1", agreement: "4711"
        )
        let zero = {
            var zero = order
            zero.count = 0
            return zero
        }()
        try await Self.service(deployment).run { client in
            #expect(try await client.json(.post, WirePath.packs, order).status == 401)
            let sold = try await client.json(.post, WirePath.packs, order, bearer: Self.operatorToken)
            #expect(sold.status == 201)
            #expect(sold.headers[.contentType] == MediaType.cms)
            let content = try await deployment.server.installPack(sold.body)
            #expect(content.count == 2)
            let refused = try await client.json(.post, WirePath.packs, zero, bearer: Self.operatorToken)
            #expect(refused.status == 400)
            _ = try refused.error

            let issued = try deployment.issue(to: try deployment.client("PC-T"))
            let licenseFile = Array(try PEMBundle.pem(of: [issued.certificate, issued.issuer]).utf8)
            #expect(try await client.send(.post, WirePath.transfers, body: licenseFile, type: MediaType.pemFile).status == 401)
            let grant = try await client.send(.post, WirePath.transfers, body: licenseFile, type: MediaType.pemFile, bearer: Self.operatorToken)
            #expect(grant.status == 201)
            #expect(grant.headers[.contentType] == MediaType.cms)
            let notPEM = try await client.send(.post, WirePath.transfers, body: Array("x".utf8), type: MediaType.pemFile, bearer: Self.operatorToken)
            #expect(notPEM.status == 400)
        }
    }

    @Test("The root's CRL is public and parses; the license server's routes are not here (404), a wrong method is 405")
    func publicRoutes() async throws {
        let deployment = try await Deployment.make(packs: [])
        try await Self.service(deployment).run { client in
            let crl = try await client.send(.get, WirePath.crl)
            #expect(crl.status == 200)
            _ = try CertificateRevocationList(derEncoded: crl.body)
            #expect(try await client.send(.get, WirePath.status).status == 404)
            let wrong = try await client.send(.get, WirePath.activations)
            #expect(wrong.status == 405)
            #expect(wrong.headers[.allow] == "POST")
        }
    }
}
