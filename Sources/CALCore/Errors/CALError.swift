/// Why a CALKit operation failed, in every role and on every path: a file that does not
/// parse, a license a verifier rejects, a request a license server refuses, a store that
/// cannot write, a route a service does not have.
///
/// The ``code`` is stable: hosts, scripts, `--json` output and HTTP clients branch on it, and
/// a published code never changes meaning. The ``detail`` is a sentence for people, worded in
/// the domain's terms (never in a command's flags, because it also travels over HTTP); tools
/// add their own advice from the code and the ``context``.
public struct CALError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable, machine-readable reason.
    public var code: Code
    /// A sentence for people; never parsed.
    public var detail: String
    /// The values the error is about (a home folder, a role, a path, a key id), by name, for
    /// tools that word their own advice. Never needed to understand ``detail``.
    public var context: [String: String]

    /// Creates an error with its code, a sentence for people and, optionally, the values it is about.
    public init(_ code: Code, _ detail: String, context: [String: String] = [:]) {
        self.code = code
        self.detail = detail
        self.context = context
    }

    /// The sentence for people.
    public var description: String { detail }
}
