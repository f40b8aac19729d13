@testable import CALCore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Telephone codes: checked groups, and what they rebuild")
struct TelephoneCodeTests {
    static let serverID = "34679ACDEFGHJKMNPQRTWXY34679ACDEFGH"

    /// One message of every kind for a signer of `type`, with random fields.
    static func messages(_ type: KeyType) throws -> [TelephoneMessage] {
        let signature = try TelephoneSignature(keyType: type, raw: (0..<(type == .p384 ? 96 : 64)).map { _ in UInt8.random(in: 0...255) })
        let now = Date().wholeSeconds
        return [
            .activationRequest(serverID: CALIdentifier.random(), publicKey: try type.generate().publicKey),
            .activationResponse(serial: SerialNumbers.random(), notBefore: now, days: 365, signature: signature),
            .packResponse(keyPackID: CALIdentifier.random(), issuedAt: now, signature: signature),
            .transferRequest(keyPackID: CALIdentifier.random(), seat: 999_999, oldSerial: Array(SerialNumbers.random().bytes)),
            .transferResponse(grantID: CALIdentifier.random(), issuedAt: now, signature: signature),
        ]
    }

    @Test("Every kind round-trips for every key type that goes by telephone, in the number of groups --help says", arguments: TelephoneMessage.keyTypes)
    func roundTrip(_ type: KeyType) throws {
        for message in try Self.messages(type) {
            let groups = try message.groups()
            #expect(groups.count == TelephoneMessage.groupCount(message.kind, keyType: type))
            #expect(try TelephoneMessage.read(groups.joined(separator: " "), expecting: message.kind) == message)
            // Printed with group numbers, run together, or in lower case with look-alikes: the same message.
            #expect(try TelephoneMessage.read(TelephoneCode.printed(groups), expecting: message.kind) == message)
            #expect(try TelephoneMessage.read(groups.joined(), expecting: message.kind) == message)
            let spoken = groups.joined(separator: "-").lowercased().replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
            #expect(try TelephoneMessage.read(spoken, expecting: message.kind) == message)
            #expect(try TelephoneMessage.groupCount(startingWith: groups[0], expecting: message.kind) == groups.count)
        }
    }

    @Test("P-256 and Ed25519 stay under 30 groups each way; RSA does not go by telephone")
    func sizes() throws {
        for type in [KeyType.p256, .ed25519] {
            for kind in TelephoneMessage.Kind.allCases { #expect(TelephoneMessage.groupCount(kind, keyType: type) <= 29) }
        }
        #expect(TelephoneMessage.groupCount(.activationRequest, keyType: .p256) == 18)
        #expect(TelephoneMessage.groupCount(.activationResponse, keyType: .p256) == 29)
        #expect(TelephoneMessage.groupCount(.activationResponse, keyType: .p384) == 39)
        let rsa = try KeyType.rsa3072.generate()
        #expect(thrownCode { _ = try TelephoneMessage.activationRequest(serverID: Self.serverID, publicKey: rsa.publicKey).groups() } == "unsupported-key")
    }

    @Test("Every wrong character and every swap of two different characters in a group is caught, and named by its group's number", arguments: TelephoneMessage.Kind.allCases)
    func singleErrors(_ kind: TelephoneMessage.Kind) throws {
        let message = try #require(try Self.messages(.p256).first { $0.kind == kind })
        let groups = try message.groups()
        for (index, group) in groups.enumerated() {
            let characters = Array(group)
            let refusal = { (typed: [Character]) in
                CALError.telephoneCodeInvalid("group \(index + 1) (\(String(typed))) does not check: read it again")
            }
            for position in characters.indices {
                for replacement in TelephoneCode.alphabet where replacement != characters[position] {
                    var typed = characters
                    typed[position] = replacement
                    #expect(throws: refusal(typed)) { try TelephoneCode.read(group: String(typed), number: index + 1) }
                }
                for other in (position + 1)..<characters.count where characters[position] != characters[other] {
                    var typed = characters
                    typed.swapAt(position, other)
                    #expect(throws: refusal(typed)) { try TelephoneCode.read(group: String(typed), number: index + 1) }
                }
            }
            // The same group typed in any other place fewer than 32 groups away does not check there.
            for number in 1...32 where number != index + 1 {
                #expect(throws: CALError.self) { try TelephoneCode.read(group: group, number: number) }
            }
        }
    }

    @Test("Luhn mod 32 would miss a swap of 0 and Z; this check does not")
    func swapOfZeroAndZ() throws {
        let data = [0, 31, 7, 7, 7]
        let check = TelephoneCode.checkValue(group: 3, data: data)
        let typed = String(([31, 0, 7, 7, 7] + [check]).map { TelephoneCode.alphabet[$0] })
        #expect(throws: CALError.self) { try TelephoneCode.read(group: typed, number: 3) }
    }

    @Test("Groups left out, repeated, swapped, added, cut short, or of another exchange are refused")
    func wholeCodeErrors() throws {
        let message = try Self.messages(.ed25519)[4]
        let groups = try message.groups()
        func refused(_ typed: [String], kind: TelephoneMessage.Kind = .transferResponse) -> Bool {
            thrownCode { _ = try TelephoneMessage.read(typed.joined(separator: " "), expecting: kind) } == "telephone-code-invalid"
        }
        #expect(refused(Array(groups.dropLast())))
        #expect(refused(Array(groups.dropFirst())))
        #expect(refused(groups + [groups[3]]))
        var swapped = groups
        swapped.swapAt(4, 5)
        #expect(refused(swapped))
        #expect(refused(groups + ["000000"]))
        #expect(refused(groups.enumerated().map { $0.offset == 7 ? String($0.element.dropLast()) : $0.element }))
        #expect(refused(groups, kind: .packResponse))
        #expect(refused([]))
        #expect(refused(["U0000A"]))
    }

    @Test("A group of another code in the same place checks alone, and is refused by the whole-code check before any field is read", arguments: TelephoneMessage.keyTypes)
    func foreignGroupCaughtByTheWholeCode(_ type: KeyType) throws {
        for (mine, theirs) in zip(try Self.messages(type), try Self.messages(type)) {
            let groups = try mine.groups()
            let other = try theirs.groups()
            // Every group after the first, taken from the other code: it checks where it stands.
            for index in 1..<groups.count where groups[index] != other[index] {
                var typed = groups
                typed[index] = other[index]
                // A 16-bit check lets one such code in 65,536 through; skip that case, it is the
                // check's stated strength, not a fault.
                let bits = try TelephoneCode.bits(of: typed.joined(separator: " "))
                let checked = TelephoneMessage.kindBits + TelephoneMessage.bodyBits(mine.kind, keyType: type)
                if try bits.peek(bits: TelephoneMessage.checkBits, at: checked)
                    == TelephoneMessage.check(of: bits.prefixBytes(checked), bitCount: checked) { continue }
                do {
                    _ = try TelephoneMessage.read(typed.joined(separator: " "), expecting: mine.kind)
                    Issue.record("group \(index + 1) of another \(mine.kind) was accepted")
                } catch let error as CALError {
                    #expect(error.code == .telephoneCodeInvalid)
                    #expect("\(error)".contains("as a whole"), "group \(index + 1) of \(mine.kind): \(error)")
                }
            }
        }
    }

    @Test("A rebuilt license-server certificate is, byte for byte, the one the root signed", arguments: TelephoneMessage.keyTypes)
    func certificateRebuild(_ rootType: KeyType) throws {
        let rootKey = try rootType.generate()
        let root = try RootProfile.makeCertificate(name: "Vendor", key: rootKey, notBefore: Date(), years: 1)
        let serverKey = try KeyType.p256.generate()
        let request = LicenseServerProfile.telephoneActivationRequest(serverID: Self.serverID, publicKey: serverKey.publicKey)
        // 800 days: longer than the root lives, so the root's end bounds both.
        let issued = try LicenseServerProfile.makeCertificate(for: request, issuer: root, issuerKey: rootKey, notBefore: Date(), days: 800)
        let response = try LicenseServerProfile.telephoneResponse(for: issued, days: 800, issuerKeyType: rootType)
        guard case .activationResponse(let serial, let notBefore, let days, let signature) = try TelephoneMessage.read(
            try response.groups().joined(separator: " "), expecting: .activationResponse
        ) else { Issue.record("not an activation response"); return }
        let rebuilt = try LicenseServerProfile.rebuildCertificate(for: request, issuer: root, serial: serial, notBefore: notBefore, days: days, signature: signature)
        #expect(try rebuilt.derBytes() == (try issued.derBytes()))
        #expect(root.publicKey.isValidSignature(rebuilt.signature, for: rebuilt))
    }

    @Test("A rebuilt CMS SignedData is, byte for byte, the one the signer made", arguments: TelephoneMessage.keyTypes)
    func envelopeRebuild(_ signerType: KeyType) throws {
        let rootKey = try KeyType.p256.generate()
        let root = try RootProfile.makeCertificate(name: "Vendor", key: rootKey, notBefore: Date(), years: 1)
        let signerKey = try signerType.generate()
        let signer = try SigningCertificateProfile.makeCertificate(rootName: "Vendor", key: signerKey, root: root, rootKey: rootKey, notBefore: Date())
        let content = Array("a key pack's content".utf8)
        let time = Date().wholeSeconds
        let signed = try SignedEnvelope.sign(content, certificate: signer, key: signerKey, signingTime: time)
        let signature = try TelephoneSignature(signedBy: signerType, in: signed)
        #expect(try SignedEnvelope.rebuild(content, certificate: signer, signingTime: time, signature: signature) == signed)
        // Another content, or another time, with the same signature: different bytes, which do not verify.
        #expect(try SignedEnvelope.rebuild(content + [0], certificate: signer, signingTime: time, signature: signature) != signed)
    }
}
