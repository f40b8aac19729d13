import CALCore
import Foundation
import Testing

@Suite("One error type: stable codes for every role")
struct CALErrorTests {
    @Test("Every code is published once, in lower-case words joined by hyphens, and reads back from its text")
    func codesAreStableText() throws {
        let texts = CALError.Code.allCases.map(\.rawValue)
        #expect(Set(texts).count == texts.count, "a code text is used twice")
        for code in CALError.Code.allCases {
            #expect(code.rawValue.range(of: "^[a-z]+(-[a-z]+)*$", options: .regularExpression) != nil, "\(code)")
            #expect(CALError.Code(rawValue: code.rawValue) == code)
        }
        #expect(CALError.Code(rawValue: "no-such-code") == nil)
        #expect(CALError.Code(rawValue: "") == nil)
    }

    @Test("The codes hosts and scripts already rely on keep their published text")
    func publishedCodesKeepTheirText() {
        let published: [(CALError.Code, String)] = [
            (.noSeatAvailable, "no-seat-available"), (.noLicenseAvailable, "no-license-available"),
            (.temporaryAlreadyIssued, "temporary-already-issued"), (.revoked, "revoked"), (.expired, "expired"),
            (.untrustedLicenseServer, "untrusted-license-server"), (.unbackedLicense, "unbacked-license"),
            (.requestSignatureInvalid, "bad-request-signature"), (.certificateKeyMismatch, "key-mismatch"),
            (.licenseNotForThisClient, "not-for-this-client"), (.storage, "storage"), (.notActivated, "not-activated"),
            (.licenseServerUnreachable, "license-server-unreachable"), (.internalFailure, "internal"),
        ]
        for (code, text) in published { #expect(code.rawValue == text) }
    }

    @Test("A code travels in JSON as its text, and an unknown text does not decode")
    func codeIsCodable() throws {
        let encoded = try JSONEncoder().encode([CALError.Code.alreadyLicensed])
        #expect(String(decoding: encoded, as: UTF8.self) == "[\"already-licensed\"]")
        #expect(try JSONDecoder().decode([CALError.Code].self, from: encoded) == [.alreadyLicensed])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CALError.Code].self, from: Data("[\"made-up\"]".utf8)) }
    }

    @Test("Errors compare by code, sentence and context; the description is the sentence")
    func errorsAreValues() {
        let error = CALError.notInitialized(home: "/srv/ls", role: "server")
        #expect(error.code == .notInitialized)
        #expect(error.description == "/srv/ls does not hold a server")
        #expect(error.context == ["home": "/srv/ls", "role": "server"])
        #expect(error == CALError.notInitialized(home: "/srv/ls", role: "server"))
        #expect(error != CALError.notInitialized(home: "/srv/other", role: "server"))
        #expect(CALError(.revoked, "x") != CALError(.expired, "x"))
    }
}
