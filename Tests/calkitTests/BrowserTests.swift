import CALTestSupport
import Foundation
import Testing

/// The web pages in a real browser: Debian's Chromium, driven by selenium from the test virtual
/// environment, through Tests/Browser/browser_story.py against real services on loopback.
@Suite("Web pages in Chromium")
struct BrowserTests {
    @Test("With only a browser: activate a server, buy a pack, move a seat (operator approves); the admin page charts, finds and revokes; every download installs and OpenSSL verifies it")
    func browserStory() throws {
        let workspace = try CLIWorkspace()
        let screenshots = ExternalTool.repositoryRoot + "/.build/screenshots"
        let story = try ExternalTool.run(
            ExternalTool.pythonPath,
            [ExternalTool.repositoryRoot + "/Tests/Browser/browser_story.py", ExternalTool.calkitPath, workspace.folder.path, screenshots]
        )
        #expect(story.status == 0, "\(story.output)\n\(story.error.suffix(3000))")
        #expect(story.output.hasSuffix("all steps held\n"), "\(story.output)")
        for page in ["clearinghouse-home", "clearinghouse-activate", "clearinghouse-activated", "clearinghouse-buy", "clearinghouse-pack",
            "clearinghouse-transfer", "clearinghouse-application-pending", "clearinghouse-operator-login", "clearinghouse-operator",
            "clearinghouse-application-approved", "admin-login", "admin", "admin-search", "admin-revoke-confirm", "admin-revoked"]
        {
            let path = "\(screenshots)/\(page).png"
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "no screenshot of \(page)")
        }
    }
}
