import Foundation
import Testing

/// The target layout DESIGN.md describes, checked on the sources themselves.
@Suite("The targets import what the layout allows")
struct LayoutTests {
    /// The imports of every Swift file under `Sources/<target>`, as `(file, import line)`.
    static func imports(of target: String) throws -> [(file: String, line: String)] {
        let folder = ErrorWordingTests.sources.appendingPathComponent(target)
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(!files.isEmpty, "no sources in \(folder.path)")
        return try files.flatMap { file in
            try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
                .filter { $0.range(of: #"^(internal |package |public )?import "#, options: .regularExpression) != nil }
                .map { (file.lastPathComponent, $0) }
        }
    }

    @Test("CALLicensing, the rules, imports CALCore and Foundation only: no files, no SQL, no HTTP")
    func licensingIsPure() throws {
        for (file, line) in try Self.imports(of: "CALLicensing") {
            #expect(line == "import CALCore" || line == "import Foundation", "\(file): \(line)")
        }
    }

    @Test("Ledger rows are no role's public API: the role modules import CALStore internally, and the CLI and HTTP not at all")
    func storeStaysInside() throws {
        for target in ["CALLicenseServer", "CALClearinghouse", "CALHost"] {
            for (file, line) in try Self.imports(of: target) where line.hasSuffix(" CALStore") {
                #expect(line == "internal import CALStore", "\(target)/\(file): \(line)")
            }
        }
        for target in ["calkit", "CALService", "CALServiceClient", "CALWire", "CALClient"] {
            for (file, line) in try Self.imports(of: target) {
                #expect(!line.hasSuffix(" CALStore"), "\(target)/\(file): \(line)")
            }
        }
    }

    @Test("The HTTP layer is three targets: CALWire (messages, no HTTP library), CALService (Hummingbird), CALServiceClient (AsyncHTTPClient)")
    func httpLayerIsSplit() throws {
        let wireAllowed = ["import CALCore", "import Foundation", "import X509"]
        for (file, line) in try Self.imports(of: "CALWire") {
            #expect(wireAllowed.contains(line), "CALWire/\(file): \(line)")
        }
        let serverSide = ["Hummingbird", "HummingbirdCore", "HummingbirdTLS", "CALService", "CALLicenseServer", "CALClearinghouse", "ServiceLifecycle"]
        for (file, line) in try Self.imports(of: "CALServiceClient") {
            #expect(!serverSide.contains { line.hasSuffix(" " + $0) }, "CALServiceClient/\(file): \(line)")
        }
        for target in ["CALHost", "CALClient"] {
            for (file, line) in try Self.imports(of: target) {
                #expect(!line.contains("Hummingbird") && !line.contains("CALService") && !line.contains("AsyncHTTPClient"), "\(target)/\(file): \(line)")
            }
        }
        // The CLI names services only through CALService's own types: no Hummingbird or NIO anywhere in it.
        for (file, line) in try Self.imports(of: "calkit") {
            #expect(!line.contains("Hummingbird") && !line.contains("NIO"), "calkit/\(file): \(line)")
        }
        for (file, line) in try Self.imports(of: "calkit/Host") + (try Self.imports(of: "calkit/Client")) {
            #expect(!line.hasSuffix(" CALService"), "a host or client command links the service: \(file): \(line)")
        }
    }

    @Test("No store file is over 400 lines: the ledgers are split by table")
    func storeFilesStaySmall() throws {
        let folder = ErrorWordingTests.sources.appendingPathComponent("CALStore")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        #expect(files.count > 20)
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n").count
            #expect(lines <= 400, "\(file.lastPathComponent) has \(lines) lines")
        }
    }
}
