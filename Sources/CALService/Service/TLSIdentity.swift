import CALCore
import Foundation
import NIOSSL

/// The certificate chain and private key a service presents over https (`--tls-certificate`,
/// `--tls-key`), checked when the service starts rather than at the first handshake.
public struct TLSIdentity: Sendable {
    /// The server configuration: TLS 1.2 or later, the chain and key given.
    public let configuration: TLSConfiguration

    /// Reads the chain (PEM, the service's certificate first) and its private key (PEM, unencrypted).
    public init(certificateFile: String, keyFile: String) throws {
        for path in [certificateFile, keyFile] where !FileManager.default.fileExists(atPath: path) {
            throw CALError.fileNotFound(path: path)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw CALError.malformed(what: certificateFile, reason: "not a PEM certificate chain for TLS")
        }
        guard !chain.isEmpty else { throw CALError.malformed(what: certificateFile, reason: "holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw CALError.malformed(
                what: keyFile, reason: "not an unencrypted PEM private key (a TLS key is read without a passphrase)"
            )
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw CALError.invalidArgument("\(keyFile) is not the private key of the certificate in \(certificateFile)")
        }
        self.configuration = configuration
    }
}
