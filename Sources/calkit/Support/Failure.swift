import ArgumentParser
import CALCore
import Foundation

/// How a failed command reports itself: `error: CODE: message` (and a `hint:` line where the
/// command line has advice) on standard error, or a JSON object on standard output when
/// `--json` was given, and a non-zero exit status either way.
enum Failure {
    /// Prints `error` and exits with status 1.
    static func report(_ error: CALError) -> Never {
        let hint = Hint.text(for: error)
        if CommandLine.arguments.contains("--json") {
            var object = ["error": error.code.rawValue, "message": error.detail]
            object["hint"] = hint
            Output.json(object)
        } else {
            var text = "error: \(error.code): \(error.detail)\n"
            if let hint { text += "hint: \(hint)\n" }
            FileHandle.standardError.write(Data(text.utf8))
        }
        exit(1)
    }
}
