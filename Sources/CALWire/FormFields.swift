import CALCore
import Foundation

/// The fields of an HTML form as a browser sends it: `application/x-www-form-urlencoded`, or
/// `multipart/form-data` when it carries a file. Text fields and files are read alike, as bytes;
/// a file field left empty counts as absent.
public struct FormFields: Sendable, Equatable {
    /// Each field's value, by name (the first one wins when a name repeats).
    public private(set) var values: [String: [UInt8]] = [:]

    /// No fields.
    public init() {}

    /// The fields of `body` sent with `contentType`; throws ``CALError/Code/malformed`` for a
    /// body that is not a form of that type.
    public init(body: [UInt8], contentType: String?) throws {
        let type = contentType ?? ""
        if MediaType.matches(type, "application/x-www-form-urlencoded") {
            try self.init(urlEncoded: body)
        } else if MediaType.matches(type, "multipart/form-data"), let boundary = Self.parameter("boundary", of: type) {
            try self.init(multipart: body, boundary: boundary)
        } else {
            throw CALError(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded or multipart/form-data")
        }
    }

    /// A field as text (UTF-8), trimmed; nil when absent or empty.
    public func text(_ name: String) -> String? {
        guard let bytes = values[name] else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The first of several fields that is present (a pasted text or an uploaded file, say).
    public func text(_ names: String...) -> String? {
        names.lazy.compactMap { text($0) }.first
    }

    private mutating func add(_ name: String, _ value: [UInt8]) {
        if values[name] == nil { values[name] = value }
    }

    private init(urlEncoded body: [UInt8]) throws {
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = try Self.percentDecoded(parts[0]) else { continue }
            add(String(decoding: name, as: UTF8.self), try Self.percentDecoded(parts.count > 1 ? parts[1] : [])?.map { $0 } ?? [])
        }
    }

    private init(multipart body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        guard !boundary.isEmpty, boundary.utf8.count <= 200 else { throw CALError.malformed(what: "the form", reason: "a bad boundary") }
        var parts = Self.split(body, on: delimiter)
        // Before the first delimiter is the preamble; after the last, "--" and the epilogue.
        guard parts.count >= 2 else { throw CALError.malformed(what: "the form", reason: "no parts") }
        parts.removeFirst()
        for part in parts {
            if part.starts(with: Array("--".utf8)) { break }
            var part = part[...]
            if part.starts(with: [13, 10]) { part = part.dropFirst(2) }
            guard let end = Self.firstIndex(of: [13, 10, 13, 10], in: part) else {
                throw CALError.malformed(what: "the form", reason: "a part has no end of headers")
            }
            let headers = String(decoding: part[part.startIndex..<end], as: UTF8.self)
            var content = part[(end + 4)...]
            if content.suffix(2).elementsEqual([13, 10]) { content = content.dropLast(2) }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = Self.parameter("name", of: String(disposition))
            else { continue }
            add(name, Array(content))
        }
    }

    /// The value of `name=value` or `name="value"` in a header.
    static func parameter(_ name: String, of header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    private static func percentDecoded<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(SerialNumbers.nibble), let low = iterator.next().flatMap(SerialNumbers.nibble) else {
                    throw CALError.malformed(what: "the form", reason: "a bad %-escape")
                }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        return out
    }

    private static func split(_ bytes: [UInt8], on delimiter: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        while let index = firstIndex(of: delimiter, in: rest) {
            parts.append(Array(rest[rest.startIndex..<index]))
            rest = rest[(index + delimiter.count)...]
        }
        parts.append(Array(rest))
        return parts
    }

    private static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
