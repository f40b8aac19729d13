import CALTestSupport
import Testing

@Suite("Every verb explains itself")
struct HelpTests {
    @Test(
        "--help works for every verb",
        arguments: [
            [], ["clearinghouse"], ["clearinghouse", "init"], ["clearinghouse", "activate"], ["clearinghouse", "issue-pack"], ["clearinghouse", "revoke-server"], ["clearinghouse", "crl"], ["clearinghouse", "authorize-transfer"],
            ["server"], ["server", "init"], ["server", "install-certificate"], ["server", "install-pack"], ["server", "issue"],
            ["server", "status"], ["server", "revoke"], ["server", "crl"], ["server", "ocsp"], ["server", "transfer"], ["server", "reclaim"], ["server", "report"], ["server", "policy"], ["client"], ["client", "init"], ["client", "request"], ["client", "install"],
            ["client", "verify"], ["host"], ["host", "init"], ["host", "set-mode"], ["host", "logon"], ["host", "status"], ["verify"], ["inspect"],
            ["clearinghouse", "rotate"], ["clearinghouse", "audit"], ["server", "rotate"], ["server", "audit"], ["client", "rotate"],
            ["key"], ["key", "encrypt"], ["key", "decrypt"], ["key", "passwd"], ["server", "serve"], ["server", "activate"], ["clearinghouse", "serve"],
            ["clearinghouse", "activation-code"], ["host", "set-license-server"], ["host", "install-crl"],
        ]
    )
    func help(verb: [String]) throws {
        let result = try ExternalTool.calkit(verb + ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE: calkit"))
        #expect(result.output.contains("OVERVIEW:"))
    }

    @Test("An unknown verb or a missing option is a usage error, not a crash")
    func usageErrors() throws {
        for arguments in [["frobnicate"], ["server", "issue"], ["clearinghouse", "init"], ["server", "issue", "--type", "sideways"]] {
            let result = try ExternalTool.calkit(arguments)
            #expect(result.status != 0)
            #expect(!result.crashed)
            #expect(result.error.contains("Error:") || result.error.contains("error:"))
        }
    }
}
