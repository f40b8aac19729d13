import Foundation
import Testing

/// The library's errors also travel over HTTP, where a command's flags mean nothing: only the
/// `calkit` target may word advice in flags and commands (its hint table).
@Suite("Library errors name no command-line flag")
struct ErrorWordingTests {
    /// The package's `Sources` folder, found from this file's path.
    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    @Test("No string literal outside Sources/calkit names a flag (--name) or a calkit command")
    func noFlagsInLibraryStrings() throws {
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" && !$0.path.contains("/Sources/calkit/") } ?? []
        #expect(files.count > 50, "the library sources were not found at \(Self.sources.path)")
        let literal = try NSRegularExpression(pattern: #""(?:[^"\\]|\\.)*""#)
        let flag = try NSRegularExpression(pattern: #"(^|[^-\w])--[a-z]|`calkit |calkit (server|host|client|clearinghouse|key|verify|inspect) "#)
        var offenders: [String] = []
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            for (number, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                let range = NSRange(line.startIndex..., in: line)
                for match in literal.matches(in: line, range: range) {
                    let text = (line as NSString).substring(with: match.range)
                    if flag.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                        offenders.append("\(file.lastPathComponent):\(number + 1): \(text)")
                    }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    @Test("The command line adds its own advice: a hint line on standard error and a hint field in JSON")
    func cliAddsHints() throws {
        let workspace = try CLIWorkspace()
        let missing = try workspace.run("server", "status", "--home", "nowhere")
        #expect(missing.status == 1)
        #expect(missing.error.hasPrefix("error: not-initialized: nowhere does not hold a server\n"), "\(missing.error)")
        #expect(missing.error.contains("hint: run `calkit server init --home nowhere` first"), "\(missing.error)")

        let json = try workspace.run("server", "status", "--home", "nowhere", "--json")
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: String]
        #expect(object?["error"] == "not-initialized")
        #expect(object?["message"] == "nowhere does not hold a server")
        #expect(object?["hint"] == "run `calkit server init --home nowhere` first")
    }
}
