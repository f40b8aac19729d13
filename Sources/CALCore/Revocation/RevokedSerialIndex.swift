import Synchronization

/// The hash index of a CRL's serial numbers, built on the first lookup (a list that is only
/// written or passed on never pays for it): open addressing over entry positions, hashed with
/// the process's seeded hasher so that a hostile list cannot make its serials collide at will.
final class RevokedSerialIndex: Sendable {
    /// Slot → entry position, or -1 for an empty slot; nil until built.
    private let slots = Mutex<[Int32]?>(nil)

    /// The position of the entry whose serial (without leading zeros) is `serial`, if any.
    func position(
        of serial: ArraySlice<UInt8>,
        in table: CertificateRevocationList.EntryTable,
        bytes: UnsafeBufferPointer<UInt8>,
        base: Int
    ) -> Int? {
        guard table.count > 0 else { return nil }
        let built = slots.withLock { slots in
            if let slots { return slots }
            let made = Self.build(table, bytes: bytes, base: base)
            slots = made
            return made
        }
        let mask = built.count - 1
        var slot = Self.hash(serial[...]) & mask
        while built[slot] >= 0 {
            let position = Int(built[slot])
            if Self.serial(at: position, in: table, bytes: bytes, base: base).elementsEqual(serial) { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private static func build(_ table: CertificateRevocationList.EntryTable, bytes: UnsafeBufferPointer<UInt8>, base: Int) -> [Int32] {
        var capacity = 8
        while capacity < table.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for position in 0..<table.count {
            var slot = hash(serial(at: position, in: table, bytes: bytes, base: base)) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position)
        }
        return slots
    }

    /// The serial of the entry at `position`, leading zeros dropped (one zero for zero).
    private static func serial(
        at position: Int, in table: CertificateRevocationList.EntryTable, bytes: UnsafeBufferPointer<UInt8>, base: Int
    ) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = base + Int(table.serialStart[position])
        let end = start + Int(table.serialLength[position])
        while start < end - 1 && bytes[start] == 0 { start += 1 }
        return bytes[start..<end]
    }

    private static func hash<Bytes: Sequence<UInt8>>(_ serial: Bytes) -> Int {
        var hasher = Hasher()
        for byte in serial { hasher.combine(byte) }
        return hasher.finalize()
    }
}
