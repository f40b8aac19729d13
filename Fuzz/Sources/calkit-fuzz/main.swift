import CALFuzzing
import CFuzzerDriver
import Foundation

/// The target this process fuzzes, from `CALKIT_FUZZ_TARGET` (see ``FuzzTarget``).
nonisolated(unsafe) var selected = FuzzTarget.inspect

/// Picks the target; `CALKIT_FUZZ_TARGET=list` prints every target's name.
func selectTarget() {
    let name = ProcessInfo.processInfo.environment["CALKIT_FUZZ_TARGET"] ?? FuzzTarget.inspect.rawValue
    if name == "list" {
        print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
        exit(0)
    }
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("unknown fuzz target \(name); CALKIT_FUZZ_TARGET=list names them\n".utf8))
        exit(2)
    }
    selected = target
}

selectTarget()
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(
    LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
)
