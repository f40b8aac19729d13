import ArgumentParser
import Foundation

/// How a failed command reports itself: one line on standard error, or a JSON object on
/// standard output when `--json` was given, and a non-zero exit status either way.
enum Failure {
    /// Prints the failure and exits with status 1.
    static func report(code: String, message: String) -> Never {
        if CommandLine.arguments.contains("--json") {
            Output.json(["error": code, "message": message])
        } else {
            FileHandle.standardError.write(Data("error: \(code): \(message)\n".utf8))
        }
        exit(1)
    }
}
