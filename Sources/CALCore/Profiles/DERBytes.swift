/// DER assembled from parts whose encoding is already known: a tag, the definite length, the
/// parts one after the other. For the structures CALKit signs at volume (licenses), where an
/// encoder that grows each node in place would move every byte once per level of nesting.
enum DERBytes {
    /// One node of one part (without the array a variadic call allocates: the signer makes
    /// some twenty nodes per license).
    static func node(_ tag: UInt8, _ part: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(part.count + 6)
        append(tag, part, to: &out)
        return out
    }

    /// One node of two parts.
    static func node(_ tag: UInt8, _ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(first.count + second.count + 6)
        appendHeader(tag, length: first.count + second.count, to: &out)
        out.append(contentsOf: first)
        out.append(contentsOf: second)
        return out
    }

    /// One node: `tag`, the length of the parts together, then the parts.
    static func node(_ tag: UInt8, _ parts: [UInt8]...) -> [UInt8] {
        let length = parts.reduce(0) { $0 + $1.count }
        var out: [UInt8] = []
        out.reserveCapacity(length + 6)
        appendHeader(tag, length: length, to: &out)
        for part in parts { out.append(contentsOf: part) }
        return out
    }

    /// The INTEGER contents of a non-negative number given as big-endian magnitude bytes:
    /// leading zeros dropped, one zero added back when the top bit is set.
    static func unsignedIntegerContents<Bytes: Collection<UInt8>>(_ magnitude: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        appendUnsignedInteger(magnitude, tag: nil, to: &out)
        return out
    }

    /// The INTEGER contents of a non-negative `value`.
    static func integerContents(_ value: UInt64) -> [UInt8] {
        unsignedIntegerContents(withUnsafeBytes(of: value.bigEndian, Array.init))
    }

    /// Appends a node of `tag` holding the non-negative `value` as an INTEGER's contents.
    static func appendInteger(_ tag: UInt8, _ value: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt64(value).bigEndian) { appendUnsignedInteger($0, tag: tag, to: &out) }
    }

    /// Appends `magnitude` as INTEGER contents, after a header of `tag` when one is given.
    private static func appendUnsignedInteger<Bytes: Collection<UInt8>>(_ magnitude: Bytes, tag: UInt8?, to out: inout [UInt8]) {
        let trimmed = magnitude.drop { $0 == 0 }
        let padded = trimmed.first.map { $0 & 0x80 != 0 } ?? true
        if let tag { appendHeader(tag, length: trimmed.count + (padded ? 1 : 0), to: &out) }
        if padded { out.append(0) }
        out.append(contentsOf: trimmed)
    }

    /// Appends a node of `tag` whose contents are `contents`, copied once.
    static func append<Contents: Collection<UInt8>>(_ tag: UInt8, _ contents: Contents, to out: inout [UInt8]) {
        appendHeader(tag, length: contents.count, to: &out)
        out.append(contentsOf: contents)
    }

    /// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from a raw `r || s` signature.
    static func ecdsaSignature<Raw: Collection<UInt8>>(raw: Raw) -> [UInt8] {
        let half = raw.count / 2
        var integers: [UInt8] = []
        integers.reserveCapacity(raw.count + 6)
        appendUnsignedInteger(raw.prefix(half), tag: 0x02, to: &integers)
        appendUnsignedInteger(raw.dropFirst(half), tag: 0x02, to: &integers)
        var out: [UInt8] = []
        out.reserveCapacity(integers.count + 3)
        append(0x30, integers, to: &out)
        return out
    }

    /// Appends a tag and a definite length (short form below 128, long form above).
    static func appendHeader(_ tag: UInt8, length: Int, to out: inout [UInt8]) {
        out.append(tag)
        if length < 0x80 {
            out.append(UInt8(length))
            return
        }
        var count = 0
        var rest = length
        while rest > 0 {
            count += 1
            rest >>= 8
        }
        out.append(0x80 | UInt8(count))
        for index in stride(from: count - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: length >> (8 * index))) }
    }

    /// The nodes (each whole: tag, length, contents) directly inside the node at the start of
    /// `bytes`; nil if it is not well formed.
    static func children(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        guard let (outer, _) = header(in: bytes) else { return nil }
        var nodes: [ArraySlice<UInt8>] = []
        var rest = outer
        while !rest.isEmpty {
            guard let (contents, headerLength) = header(in: rest) else { return nil }
            nodes.append(rest[rest.startIndex..<(rest.startIndex + headerLength + contents.count)])
            rest = rest[contents.endIndex...]
        }
        return nodes
    }

    /// The contents of the last top-level node inside `node` (a SEQUENCE), e.g. the BIT STRING
    /// of a SubjectPublicKeyInfo; nil if `node` is not well formed.
    static func lastChildContents(of node: [UInt8]) -> ArraySlice<UInt8>? {
        guard let (outer, _) = header(in: node[...]) else { return nil }
        var rest = outer
        var last: ArraySlice<UInt8>?
        while !rest.isEmpty {
            guard let (contents, _) = header(in: rest) else { return nil }
            last = contents
            rest = rest[contents.endIndex...]
        }
        return last
    }

    /// The contents of the node at the start of `bytes`, and its header's length.
    static func header(in bytes: ArraySlice<UInt8>) -> (contents: ArraySlice<UInt8>, headerLength: Int)? {
        guard bytes.count >= 2 else { return nil }
        let start = bytes.startIndex
        let first = bytes[start + 1]
        var length = Int(first)
        var headerLength = 2
        if first >= 0x80 {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, bytes.count >= 2 + count else { return nil }
            length = 0
            for index in 0..<count { length = length << 8 | Int(bytes[start + 2 + index]) }
            headerLength += count
        }
        guard bytes.count >= headerLength + length else { return nil }
        return (bytes[(start + headerLength)..<(start + headerLength + length)], headerLength)
    }
}
