import Crypto
import Foundation
import X509

/// What is read out by telephone in each of the three exchanges (activation, key pack, transfer),
/// field by field; ``TelephoneCode`` turns it into checked groups.
///
/// A message starts with its kind (4 bits) and, where it carries a key or a signature, the key
/// type (2 bits: P-256, Ed25519 or P-384; RSA keys are too long to read out). It ends with a
/// 16-bit check over everything before it (SHA-256), which catches what the per-group checks
/// cannot: groups left out, repeated or read in another order.
///
/// A response carries only what the receiver cannot rebuild itself (serials, ids, times and the
/// signature); the receiver rebuilds the signed certificate, key pack or grant from the fields
/// it already knows and verifies it exactly as it verifies one that came as a file.
public enum TelephoneMessage: Sendable, Equatable {
    /// License server → clearinghouse: the server's id and public key (a first activation).
    case activationRequest(serverID: String, publicKey: Certificate.PublicKey)
    /// Clearinghouse → license server: the fields and signature of its certificate.
    case activationResponse(serial: Certificate.SerialNumber, notBefore: Date, days: Int, signature: TelephoneSignature)
    /// Clearinghouse → license server: the id, date and signature of a key pack.
    case packResponse(keyPackID: String, issuedAt: Date, signature: TelephoneSignature)
    /// License server → clearinghouse: the seat whose CAL moves, and that CAL's serial.
    case transferRequest(keyPackID: String, seat: Int, oldSerial: [UInt8])
    /// Clearinghouse → license server: the id, date and signature of a transfer grant.
    case transferResponse(grantID: String, issuedAt: Date, signature: TelephoneSignature)

    /// The kinds, as the first 4 bits say.
    public enum Kind: UInt64, Sendable, CaseIterable, CustomStringConvertible {
        case activationRequest = 1, activationResponse, packResponse, transferRequest, transferResponse

        public var description: String {
            switch self {
            case .activationRequest: return "an activation request"
            case .activationResponse: return "an activation response"
            case .packResponse: return "a key pack response"
            case .transferRequest: return "a transfer request"
            case .transferResponse: return "a transfer response"
            }
        }
    }

    /// This message's kind.
    public var kind: Kind {
        switch self {
        case .activationRequest: return .activationRequest
        case .activationResponse: return .activationResponse
        case .packResponse: return .packResponse
        case .transferRequest: return .transferRequest
        case .transferResponse: return .transferResponse
        }
    }

    /// The key types whose keys and signatures go by telephone.
    public static let keyTypes: [KeyType] = [.p256, .ed25519, .p384]

    static let kindBits = 4
    static let keyTypeBits = 2
    static let identifierBits = 159
    static let serialBits = 126
    static let timeBits = 32
    static let daysBits = 12
    static let seatBits = 20
    static let checkBits = 16

    // MARK: Writing

    /// The message's groups, as ``TelephoneCode`` prints them.
    public func groups() throws -> [String] {
        TelephoneCode.groups(try bits())
    }

    /// The message's bits, its check included.
    func bits() throws -> TelephoneBits {
        var bits = TelephoneBits()
        bits.append(kind.rawValue, bits: Self.kindBits)
        switch self {
        case .activationRequest(let serverID, let publicKey):
            let keyType = try Self.telephoneKeyType(of: publicKey)
            bits.append(Self.keyTypeCode(keyType), bits: Self.keyTypeBits)
            bits.append(bytes: try Self.identifierNumber(serverID), bits: Self.identifierBits)
            let key = try TelephoneSignature.compactKey(publicKey, type: keyType)
            bits.append(bytes: key, bits: TelephoneSignature.compactKeyBits(keyType))
        case .activationResponse(let serial, let notBefore, let days, let signature):
            let serialBytes = Array(serial.bytes)
            guard serialBytes.count == 16, serialBytes[0] & 0xC0 == 0x40 else {
                throw CALError.invalidArgument("a certificate read out by telephone needs a serial of CALKit's form")
            }
            guard (1..<(1 << Self.daysBits)).contains(days) else { throw CALError.invalidArgument("the validity must be 1 to 4095 days") }
            bits.append(Self.keyTypeCode(signature.keyType), bits: Self.keyTypeBits)
            bits.append(bytes: [serialBytes[0] & 0x3F] + serialBytes.dropFirst(), bits: Self.serialBits)
            bits.append(try Self.seconds(notBefore), bits: Self.timeBits)
            bits.append(UInt64(days), bits: Self.daysBits)
            bits.append(bytes: signature.raw, bits: signature.raw.count * 8)
        case .packResponse(let identifier, let issuedAt, let signature), .transferResponse(let identifier, let issuedAt, let signature):
            bits.append(Self.keyTypeCode(signature.keyType), bits: Self.keyTypeBits)
            bits.append(bytes: try Self.identifierNumber(identifier), bits: Self.identifierBits)
            bits.append(try Self.seconds(issuedAt), bits: Self.timeBits)
            bits.append(bytes: signature.raw, bits: signature.raw.count * 8)
        case .transferRequest(let keyPackID, let seat, let oldSerial):
            guard oldSerial.count == 16 else {
                throw CALError.invalidArgument("only a license with a 16-byte serial can be transferred by telephone; use the file method")
            }
            guard (1..<(1 << Self.seatBits)).contains(seat) else { throw CALError.invalidArgument("the seat \(seat) cannot be read out") }
            bits.append(bytes: try Self.identifierNumber(keyPackID), bits: Self.identifierBits)
            bits.append(UInt64(seat), bits: Self.seatBits)
            bits.append(bytes: oldSerial, bits: 128)
        }
        bits.append(Self.check(of: bits.prefixBytes(bits.count), bitCount: bits.count), bits: Self.checkBits)
        return bits
    }

    // MARK: Reading

    /// Reads the groups a person typed as a message of `kind`; a group that does not check is
    /// named by its number, and a message of another kind is refused.
    public static func read(_ text: String, expecting kind: Kind) throws -> TelephoneMessage {
        var bits = try TelephoneCode.bits(of: text)
        let found = try bits.read(bits: kindBits)
        guard let foundKind = Kind(rawValue: found) else {
            throw CALError.telephoneCodeInvalid("group 1 does not start a CALKit telephone code: read it again")
        }
        guard foundKind == kind else { throw CALError.telephoneCodeInvalid("this is \(foundKind), not \(kind)") }
        try verifyCheck(of: bits, kind: kind)
        let message: TelephoneMessage
        switch kind {
        case .activationRequest:
            let keyType = try readKeyType(&bits)
            let serverID = try identifier(try bits.read(bits: identifierBits, byteCount: 20))
            let key = try bits.read(bits: TelephoneSignature.compactKeyBits(keyType), byteCount: TelephoneSignature.compactKeyBytes(keyType))
            message = .activationRequest(serverID: serverID, publicKey: try TelephoneSignature.publicKey(compact: key, type: keyType))
        case .activationResponse:
            let keyType = try readKeyType(&bits)
            var serial = try bits.read(bits: serialBits, byteCount: 16)
            serial[0] |= 0x40
            let notBefore = Date(timeIntervalSince1970: TimeInterval(try bits.read(bits: timeBits)))
            let days = Int(try bits.read(bits: daysBits))
            let signature = try TelephoneSignature.read(&bits, keyType: keyType)
            message = .activationResponse(serial: Certificate.SerialNumber(bytes: serial), notBefore: notBefore, days: days, signature: signature)
        case .packResponse, .transferResponse:
            let keyType = try readKeyType(&bits)
            let identifier = try identifier(try bits.read(bits: identifierBits, byteCount: 20))
            let issuedAt = Date(timeIntervalSince1970: TimeInterval(try bits.read(bits: timeBits)))
            let signature = try TelephoneSignature.read(&bits, keyType: keyType)
            message = kind == .packResponse
                ? .packResponse(keyPackID: identifier, issuedAt: issuedAt, signature: signature)
                : .transferResponse(grantID: identifier, issuedAt: issuedAt, signature: signature)
        case .transferRequest:
            let keyPackID = try identifier(try bits.read(bits: identifierBits, byteCount: 20))
            let seat = Int(try bits.read(bits: seatBits))
            let oldSerial = try bits.read(bits: 128, byteCount: 16)
            message = .transferRequest(keyPackID: keyPackID, seat: seat, oldSerial: oldSerial)
        }
        _ = try bits.read(bits: checkBits)
        try bits.checkPadding(groupBits: TelephoneCode.bitsPerGroup)
        return message
    }

    /// Checks the whole-code check before any field is read, so that groups which each check
    /// but do not belong together are named as such, not as a field that makes no sense.
    private static func verifyCheck(of bits: TelephoneBits, kind: Kind) throws {
        var keyType = KeyType.p256
        if kind != .transferRequest {
            var afterKind = bits
            keyType = try readKeyType(&afterKind)
        }
        let checked = kindBits + bodyBits(kind, keyType: keyType)
        guard try bits.peek(bits: checkBits, at: checked) == check(of: bits.prefixBytes(checked), bitCount: checked) else {
            throw CALError.telephoneCodeInvalid(
                "every group checks but the code as a whole does not: a group is mistyped, missing, repeated or out of order"
            )
        }
    }

    /// How many groups a message of `kind` has for a key (or signer) of `keyType`.
    public static func groupCount(_ kind: Kind, keyType: KeyType) -> Int {
        let total = kindBits + bodyBits(kind, keyType: keyType) + checkBits
        return (total + TelephoneCode.bitsPerGroup - 1) / TelephoneCode.bitsPerGroup
    }

    /// The bits between the kind and the check, for a key (or signer) of `keyType`.
    static func bodyBits(_ kind: Kind, keyType: KeyType) -> Int {
        let signature = TelephoneSignature.rawBytes(keyType) * 8
        switch kind {
        case .activationRequest: return keyTypeBits + identifierBits + TelephoneSignature.compactKeyBits(keyType)
        case .activationResponse: return keyTypeBits + serialBits + timeBits + daysBits + signature
        case .packResponse, .transferResponse: return keyTypeBits + identifierBits + timeBits + signature
        case .transferRequest: return identifierBits + seatBits + 128
        }
    }

    /// How many groups the message whose first group is `firstGroup` has, so that a person
    /// typing groups one by one knows when they are done; the first group is checked.
    public static func groupCount(startingWith firstGroup: String, expecting kind: Kind) throws -> Int {
        var bits = TelephoneBits(fiveBitValues: try TelephoneCode.read(group: firstGroup, number: 1))
        guard let found = Kind(rawValue: try bits.read(bits: kindBits)) else {
            throw CALError.telephoneCodeInvalid("group 1 does not start a CALKit telephone code: read it again")
        }
        guard found == kind else { throw CALError.telephoneCodeInvalid("this is \(found), not \(kind)") }
        if kind == .transferRequest { return groupCount(kind, keyType: .p256) }
        let code = Int(try bits.read(bits: keyTypeBits))
        guard code < keyTypes.count else { throw CALError.telephoneCodeInvalid("group 1 names no key type: read it again") }
        return groupCount(kind, keyType: keyTypes[code])
    }

    // MARK: Fields

    /// The key type of a key that may go by telephone.
    static func telephoneKeyType(of key: Certificate.PublicKey) throws -> KeyType {
        let type = try KeyType(of: key)
        guard keyTypes.contains(type) else {
            throw CALError.unsupportedKey("\(type.rawValue) keys and signatures are too long to read out by telephone; use P-256, Ed25519 or P-384, or the file method")
        }
        return type
    }

    static func keyTypeCode(_ type: KeyType) -> UInt64 {
        UInt64(keyTypes.firstIndex(of: type) ?? 0)
    }

    private static func readKeyType(_ bits: inout TelephoneBits) throws -> KeyType {
        let code = Int(try bits.read(bits: keyTypeBits))
        guard code < keyTypes.count else { throw CALError.telephoneCodeInvalid("group 1 names no key type: read it again") }
        return keyTypes[code]
    }

    private static func seconds(_ date: Date) throws -> UInt64 {
        let seconds = date.timeIntervalSince1970
        guard seconds >= 0, seconds < 4_294_967_296, seconds == seconds.rounded(.down) else {
            throw CALError.invalidArgument("a time read out by telephone is a whole second between 1970 and 2106")
        }
        return UInt64(seconds)
    }

    /// A 35-character id as a 20-byte big-endian number (its characters are base-23 digits).
    static func identifierNumber(_ id: String) throws -> [UInt8] {
        guard let normalized = CALIdentifier.normalized(id) else { throw CALError.invalidArgument("\(id) is not a 35-character id") }
        var number = [UInt8](repeating: 0, count: 20)
        for character in normalized {
            guard let digit = CALIdentifier.alphabet.firstIndex(of: character) else { continue }
            var carry = digit
            for index in number.indices.reversed() {
                let value = Int(number[index]) * CALIdentifier.alphabet.count + carry
                number[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
        }
        return number
    }

    /// The id a 20-byte number stands for; refuses numbers no id has.
    static func identifier(_ number: [UInt8]) throws -> String {
        var rest = number
        var characters: [Character] = []
        for _ in 0..<CALIdentifier.length {
            var remainder = 0
            for index in rest.indices {
                let value = remainder * 256 + Int(rest[index])
                rest[index] = UInt8(value / CALIdentifier.alphabet.count)
                remainder = value % CALIdentifier.alphabet.count
            }
            characters.append(CALIdentifier.alphabet[remainder])
        }
        guard rest.allSatisfy({ $0 == 0 }) else { throw CALError.telephoneCodeInvalid("the code carries no valid id: check the groups again") }
        return String(characters.reversed())
    }

    static func check(of bytes: [UInt8], bitCount: Int) -> UInt64 {
        var hasher = SHA256()
        hasher.update(data: Array("CALKit telephone 1".utf8) + [UInt8(bitCount >> 8), UInt8(bitCount & 0xFF)])
        hasher.update(data: bytes)
        let digest = Array(hasher.finalize())
        return UInt64(digest[0]) << 8 | UInt64(digest[1])
    }
}
