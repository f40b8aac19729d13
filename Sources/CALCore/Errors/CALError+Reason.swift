import Foundation

extension CALError {
    /// A dependency's error as a reason for people: its own words, without the source file and
    /// line that swift-asn1 and swift-certificates append to their descriptions (a detail that
    /// tells an outsider which libraries and versions a service runs, and helps no user).
    public static func reason(describing error: any Error) -> String {
        if let error = error as? CALError { return error.detail }
        return withoutSourceLocations(String(describing: error))
    }

    /// `text` without any `…/File.swift:123` source locations and without the `ASN1Error.` or
    /// `CertificateError.` type prefix in front of a dependency's error code.
    public static func withoutSourceLocations(_ text: String) -> String {
        var words: [Substring] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if isSourceLocation(word) { continue }
            words.append(word)
        }
        var result = words.joined(separator: " ")
        for prefix in ["ASN1Error.", "CertificateError."] {
            result = result.replacingOccurrences(of: prefix, with: "")
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// Whether `word` is a `path/File.swift:LINE` location (possibly in brackets or followed by punctuation).
    private static func isSourceLocation(_ word: Substring) -> Bool {
        let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: "()[],;."))
        guard let colon = trimmed.lastIndex(of: ":") else { return trimmed.hasSuffix(".swift") }
        let file = trimmed[..<colon]
        let line = trimmed[trimmed.index(after: colon)...]
        return file.hasSuffix(".swift") && !line.isEmpty && line.allSatisfy(\.isNumber)
    }
}
