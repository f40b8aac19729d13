import CALCore
import CALServiceClient

/// What to do next about a failure, in this command line's words: its commands, flags and
/// environment variables. The library's errors never name them (the same errors travel over
/// HTTP), so the advice lives here, keyed by the error's stable code.
enum Hint {
    /// The advice for `error`, or nil when the message says all there is to say.
    static func text(for error: CALError) -> String? {
        switch error.code {
        case .notInitialized:
            guard let role = error.context["role"], let home = error.context["home"] else { return nil }
            return "run `calkit \(role) init --home \(home)` first"
        case .notActivated:
            return "activate it with `calkit server activate --clearinghouse URL --activation-code CODE`, or install the certificate the clearinghouse issued with `calkit server install-certificate`"
        case .issuerCompromised:
            return "install the certificate for the new key with `calkit server install-certificate`"
        case .rotationPending:
            return "install its certificate with `calkit server install-certificate`, or ask for the same --key-type to make its request again"
        case .productAmbiguous:
            return "choose one with --product"
        case .passphraseRequired:
            return "give its passphrase with --passphrase-file FILE or the CALKIT_PASSPHRASE environment variable"
        case .insecurePermissions:
            guard let path = error.context["path"] else { return nil }
            return "run `chmod 600 \(path)`"
        case .corruptKey:
            return "restore the key file from a backup; if it is lost, rotate the role's key"
        case .activationCodeRequired:
            return "ask the clearinghouse operator for one (`calkit clearinghouse activation-code`) and give it with --activation-code"
        case .noSeatAvailable, .noPackForProduct:
            return "install a key pack with `calkit server install-pack`"
        case .unauthorized:
            return "give the operator token with --token-file FILE"
        case .adminDisabled:
            return "start the service with --admin-token-file FILE"
        case .serviceUnreachable where error.context["reason"] == ServiceClient.untrustedCertificate:
            return "give the CA that issued its TLS certificate with --tls-trust FILE"
        default:
            return nil
        }
    }
}
