import CALCore
import CALFuzzing
import CALTestSupport
import Foundation
import Testing

/// What `make fuzz` found stays found: every input it kept (Tests/FuzzRegressions/TARGET/) is
/// replayed through its target, with the seeds and a few thousand deterministic mutations of
/// them, so a parser that crashes again fails `make test`.
@Suite("Fuzz regressions: kept inputs, seeds and mutations never crash a parser")
struct FuzzRegressionTests {
    /// The seed files (certs/), as their bytes and, for PEM files, each block's DER.
    static func seeds() throws -> [[UInt8]] {
        let folder = ExternalTool.repositoryRoot + "/certs"
        var inputs: [[UInt8]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where !name.hasSuffix(".md") {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            inputs.append(bytes)
            if let text = String(validating: bytes, as: UTF8.self), let documents = try? PEMBundle.documents(in: text, path: name) {
                inputs += documents.map(\.derBytes)
            }
        }
        return inputs
    }

    /// The inputs `make fuzz` kept for `target`.
    static func kept(for target: FuzzTarget) throws -> [[UInt8]] {
        let folder = ExternalTool.repositoryRoot + "/Tests/FuzzRegressions/" + target.rawValue
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return try names.sorted().filter { !$0.hasPrefix(".") }.map { Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
    }

    @Test("Every target survives its kept inputs, the seeds and 300 mutations of each seed", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let seeds = try Self.seeds()
        #expect(seeds.count > 10)
        for input in try Self.kept(for: target) + seeds { target.run(input) }
        var generator = SplitMix(state: UInt64(target.rawValue.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        for seed in seeds where !seed.isEmpty {
            for _ in 0..<300 {
                var input = seed
                switch generator.next() % 4 {
                case 0: input[Int(generator.next() % UInt64(input.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                case 1: input = Array(input.prefix(Int(generator.next() % UInt64(input.count))))
                case 2: input.insert(UInt8(truncatingIfNeeded: generator.next()), at: Int(generator.next() % UInt64(input.count)))
                default:
                    let at = Int(generator.next() % UInt64(input.count))
                    input[at] = [0x00, 0x80, 0x81, 0xFF, 0x30, 0x02][Int(generator.next() % 6)]
                }
                target.run(input)
            }
        }
    }
}
