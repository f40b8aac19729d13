import CALCore
import CALTestSupport
import CALWire
import Foundation
import Testing

@Suite("Form bodies as browsers send them")
struct FormFieldsTests {
    @Test("URL-encoded: + and %-escapes decode, the first of a repeated name wins, an empty field is absent")
    func urlEncoded() throws {
        let form = try FormFields(body: Array("a=1+2%2B3&b=%E2%9C%93&a=second&empty=&flag".utf8), contentType: "application/x-www-form-urlencoded; charset=UTF-8")
        #expect(form.text("a") == "1 2+3")
        #expect(form.text("b") == "✓")
        #expect(form.text("empty") == nil && form.text("flag") == nil && form.text("missing") == nil)
        #expect(form.text("missing", "a") == "1 2+3")
        #expect(thrownCode { _ = try FormFields(body: Array("a=%G1".utf8), contentType: "application/x-www-form-urlencoded") } == "malformed")
        #expect(thrownCode { _ = try FormFields(body: Array("a=%4".utf8), contentType: "application/x-www-form-urlencoded") } == "malformed")
    }

    @Test("Multipart: text fields and files alike, a file's bytes kept whole (CRLF inside included), an empty file absent")
    func multipart() throws {
        let boundary = "----WebKitFormBoundaryX3k"
        let file = "-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB\r\n-----END CERTIFICATE REQUEST-----\r\n"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="calkit_form"\r
            \r
            token\r
            --\(boundary)\r
            Content-Disposition: form-data; name="requestFile"; filename="activation-request.pem"\r
            Content-Type: application/x-x509-ca-cert\r
            \r
            \(file)\r
            --\(boundary)\r
            Content-Disposition: form-data; name="empty"; filename=""\r
            Content-Type: application/octet-stream\r
            \r
            \r
            --\(boundary)--\r

            """
        let form = try FormFields(body: Array(body.utf8), contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(form.text("calkit_form") == "token")
        #expect(form.values["requestFile"].map { String(decoding: $0, as: UTF8.self) } == file)
        #expect(form.text("empty") == nil)
    }

    @Test("Hostile bodies are refused or read as far as they go, never a crash", arguments: [
        "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", "--b", "", "--b--", "--b\r\n\r\n\r\n--b--", "no boundary at all",
        "--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--",
    ])
    func hostileMultipart(_ body: String) {
        let result = Result { try FormFields(body: Array(body.utf8), contentType: "multipart/form-data; boundary=b") }
        if case .success(let form) = result { #expect(form.values.count <= 1) }
        #expect(thrownCode { _ = try FormFields(body: Array(body.utf8), contentType: "text/plain") } == "unsupported-media-type")
        #expect(thrownCode { _ = try FormFields(body: Array(body.utf8), contentType: "multipart/form-data") } == "unsupported-media-type")
    }
}
