import ArgumentParser
import CALCore
import CALServiceClient
import CALLicenseServer
import Foundation
import X509

/// `calkit server activate`: the automatic activation method, over HTTP, and the telephone method.
struct ServerActivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate automatically (over the network) or by telephone (groups read out both ways).",
        discussion: """
            Sends DIR/activation-request.pem (from `server init`, or a re-key request from \
            `server rotate`) to POST /v1/activations of the running clearinghouse \
            (`calkit clearinghouse serve`) and installs the chain it answers as DIR/server-chain.pem, \
            as `server install-certificate` does. A first activation needs the one-time code the \
            clearinghouse operator gave you (`calkit clearinghouse activation-code`); a re-key does not.

            By telephone (a first activation): `--telephone` prints the request as groups; read \
            them to the clearinghouse operator (`calkit clearinghouse activate --telephone`), \
            write down the groups they read back, and install them with \
            `--telephone-response "..." --vendor-certificates FILE`, where FILE holds the \
            clearinghouse's root and signing certificate that come with the product (root.pem, \
            signer.pem). The certificate is rebuilt from the groups and must verify under that root.

            """ + TelephoneGroups.sizes([("request", .activationRequest), ("response", .activationResponse)])
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The clearinghouse service's URL, for example http://127.0.0.1:8760.", valueName: "url")) var clearinghouse: String?
    @Option(help: ArgumentHelp("The one-time activation code from the clearinghouse operator (first activation).", valueName: "code"))
    var activationCode: String?
    @Flag(help: "Print the activation request as groups to read out by telephone.") var telephone = false
    @Option(help: ArgumentHelp("The groups the clearinghouse operator read back.", valueName: "groups")) var telephoneResponse: String?
    @Option(help: ArgumentHelp("The clearinghouse's root and signing certificate (PEM), with --telephone-response.", valueName: "file"))
    var vendorCertificates: String?
    @OptionGroup var trust: TLSTrustOption
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        let modes = [clearinghouse != nil, telephone, telephoneResponse != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give one of --clearinghouse URL, --telephone or --telephone-response GROUPS") }
        guard (telephoneResponse != nil) == (vendorCertificates != nil) else {
            throw ValidationError("--telephone-response needs --vendor-certificates FILE (the clearinghouse's root.pem and signer.pem)")
        }
    }

    func run() async throws {
        let server = try home.licenseServer()
        if telephone {
            if !json { print("License server \(CALIdentifier.grouped(server.serverID))") }
            return try TelephoneGroups.print(
                try server.telephoneActivationRequest(), heading: "Read to the clearinghouse operator", json: json, fields: ["serverID": server.serverID]
            )
        }
        let certificate: Certificate
        if let telephoneResponse, let vendorCertificates {
            certificate = try await server.installTelephoneActivation(telephoneResponse, vendorCertificates: try PEMBundle.certificates(at: vendorCertificates))
        } else {
            let request = try SecureFile.read(server.home.file(LicenseServer.Files.activationRequest))
            let chain = try await ClearinghouseClient(clearinghouse ?? "", tlsTrust: trust.tlsTrust).activate(request: request, activationCode: activationCode)
            certificate = try await server.installCertificate(chain: chain)
        }
        if json {
            Output.json(["serverID": server.serverID, "notAfter": Output.date(certificate.notValidAfter), "chain": server.home.file(LicenseServer.Files.chain)])
        } else {
            print("License server \(server.serverID) is activated until \(Output.date(certificate.notValidAfter))")
            print("chain: \(server.home.file(LicenseServer.Files.chain))")
        }
    }
}
