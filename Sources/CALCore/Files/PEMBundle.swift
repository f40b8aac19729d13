import Foundation
import SwiftASN1
import X509

/// Reads the PEM blocks of a file, and the certificates and requests in them.
public enum PEMBundle {
    /// Every PEM block in `text`, in order. `path` names the source in errors.
    ///
    /// Reads PEM as OpenSSL writes and reads it: any base64 line length, surrounding text ignored.
    public static func documents(in text: String, path: String) throws -> [PEMDocument] {
        var documents: [PEMDocument] = []
        var label: String?
        var body = ""
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let trimmed = Self.trimmed(line)
            if trimmed.hasPrefix("-----BEGIN "), trimmed.hasSuffix("-----") {
                guard label == nil else { throw CALError.malformed(what: path, reason: "a PEM block is not closed") }
                label = String(trimmed.dropFirst("-----BEGIN ".count).dropLast(5))
                body = ""
            } else if trimmed.hasPrefix("-----END "), trimmed.hasSuffix("-----") {
                guard let open = label else {
                    throw CALError.malformed(what: path, reason: "a PEM END line without BEGIN")
                }
                guard String(trimmed.dropFirst("-----END ".count).dropLast(5)) == open else {
                    throw CALError.malformed(what: path, reason: "the PEM block \(open) ends with another label")
                }
                guard let bytes = Data(base64Encoded: body), !bytes.isEmpty else {
                    throw CALError.malformed(what: path, reason: "the \(open) PEM block is not valid base64")
                }
                documents.append(PEMDocument(type: open, derBytes: Array(bytes)))
                label = nil
            } else if label != nil {
                body += trimmed
            }
        }
        guard label == nil else { throw CALError.malformed(what: path, reason: "the file ends inside a PEM block") }
        guard !documents.isEmpty else {
            throw CALError.malformed(what: path, reason: "no PEM block found (is the file empty or binary?)")
        }
        return documents
    }

    /// A line without the spaces, tabs and carriage returns around it.
    private static func trimmed(_ line: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = line.firstIndex(where: { !isBlank($0) }), let last = line.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(line[first...last])
    }

    /// Every certificate in a PEM file, in file order. Any other block is an error.
    public static func certificates(at path: String) throws -> [Certificate] {
        try certificates(in: try SecureFile.readText(path), path: path)
    }

    /// Every certificate in PEM text, in order. `path` names the source in errors.
    public static func certificates(in text: String, path: String) throws -> [Certificate] {
        try documents(in: text, path: path).map { document in
            guard document.discriminator == "CERTIFICATE" else {
                throw CALError.wrongKind(path: path, expected: "certificates", found: "a \(document.discriminator)")
            }
            do {
                return try Certificate(derEncoded: document.derBytes)
            } catch {
                throw CALError.malformed(what: "a certificate in \(path)", reason: CALError.reason(describing: error))
            }
        }
    }

    /// The single certificate a file holds.
    public static func certificate(at path: String) throws -> Certificate {
        let all = try certificates(at: path)
        guard let first = all.first, all.count == 1 else {
            throw CALError.malformed(what: path, reason: "expected one certificate, found \(all.count)")
        }
        return first
    }

    /// The single certificate signing request a file holds.
    public static func request(at path: String) throws -> CertificateSigningRequest {
        let all = try documents(in: try SecureFile.readText(path), path: path)
        guard let document = all.first, all.count == 1 else {
            throw CALError.malformed(what: path, reason: "expected one certificate request, found \(all.count) blocks")
        }
        guard document.discriminator == "CERTIFICATE REQUEST" || document.discriminator == "NEW CERTIFICATE REQUEST"
        else {
            throw CALError.wrongKind(path: path, expected: "a certificate request", found: "a \(document.discriminator)")
        }
        do {
            return try CertificateSigningRequest(derEncoded: document.derBytes)
        } catch {
            throw CALError.malformed(what: "the certificate request in \(path)", reason: CALError.reason(describing: error))
        }
    }

    /// A certificate from DER bytes (as a store keeps it).
    public static func certificateFromDER(_ bytes: [UInt8]) throws -> Certificate {
        do {
            return try Certificate(derEncoded: bytes)
        } catch {
            throw CALError.malformed(what: "a stored certificate", reason: CALError.reason(describing: error))
        }
    }

    /// PEM text for a list of certificates, one block each.
    public static func pem(of certificates: [Certificate]) throws -> String {
        // Every license answer carries its chain as PEM: written in linear time (PEMText).
        try certificates.map { PEMText.encode(type: "CERTIFICATE", derBytes: try $0.derBytes()) + "\n" }.joined()
    }
}
