/// A string of bits written and read field by field, most significant bit first: the payload of
/// a ``TelephoneMessage`` before it becomes groups.
public struct TelephoneBits: Sendable, Equatable {
    /// The bits, one per element (0 or 1).
    public private(set) var bits: [UInt8] = []
    private var position = 0

    /// No bits.
    public init() {}

    /// The bits of 5-bit values.
    init(fiveBitValues values: [Int]) {
        for value in values { append(UInt64(value), bits: 5) }
    }

    /// The bits as 5-bit values, the last one padded with zero bits to a multiple of `group` values.
    func fiveBitValues(paddedTo group: Int) -> [Int] {
        var padded = bits
        let groupBits = 5 * group
        padded += [UInt8](repeating: 0, count: (groupBits - padded.count % groupBits) % groupBits)
        return stride(from: 0, to: padded.count, by: 5).map { start in
            padded[start..<start + 5].reduce(0) { $0 << 1 | Int($1) }
        }
    }

    /// How many bits are written.
    public var count: Int { bits.count }

    /// Appends the low `count` bits of `value`.
    public mutating func append(_ value: UInt64, bits count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            bits.append(UInt8((value >> UInt64(shift)) & 1))
        }
    }

    /// Appends the low `count` bits of a big-endian number (its leading bits beyond `count` must be zero).
    public mutating func append(bytes: [UInt8], bits count: Int) {
        var all: [UInt8] = []
        for byte in bytes { for shift in stride(from: 7, through: 0, by: -1) { all.append((byte >> UInt8(shift)) & 1) } }
        bits += all.suffix(count)
    }

    /// Reads the next `count` bits (at most 64) as a number.
    public mutating func read(bits count: Int) throws -> UInt64 {
        guard position + count <= bits.count else { throw CALError.telephoneCodeInvalid("the code is too short: groups are missing") }
        defer { position += count }
        return bits[position..<position + count].reduce(0) { $0 << 1 | UInt64($1) }
    }

    /// Reads the next `count` bits as a big-endian number of `byteCount` bytes.
    public mutating func read(bits count: Int, byteCount: Int) throws -> [UInt8] {
        guard position + count <= bits.count else { throw CALError.telephoneCodeInvalid("the code is too short: groups are missing") }
        var padded = [UInt8](repeating: 0, count: byteCount * 8 - count) + bits[position..<position + count]
        position += count
        var bytes: [UInt8] = []
        while !padded.isEmpty {
            bytes.append(padded.prefix(8).reduce(0) { $0 << 1 | $1 })
            padded.removeFirst(8)
        }
        return bytes
    }

    /// The bits read so far, as bytes (zero-padded), for the message check.
    func prefixBytes(_ count: Int) -> [UInt8] {
        var copy = self
        copy.position = 0
        return (try? copy.read(bits: count, byteCount: (count + 7) / 8)) ?? []
    }

    /// Where reading has come to.
    public var readPosition: Int { position }

    /// The `count` bits starting at `start`, as a number, without moving the read position.
    func peek(bits count: Int, at start: Int) throws -> UInt64 {
        var copy = self
        copy.position = start
        return try copy.read(bits: count)
    }

    /// Checks that every bit after the read position is zero padding, and that there is less
    /// than a group of it.
    public func checkPadding(groupBits: Int) throws {
        let rest = bits[position...]
        guard rest.count < groupBits else { throw CALError.telephoneCodeInvalid("the code has more groups than this exchange uses") }
        guard rest.allSatisfy({ $0 == 0 }) else { throw CALError.telephoneCodeInvalid("the last group does not end as it should: read it again") }
    }
}
