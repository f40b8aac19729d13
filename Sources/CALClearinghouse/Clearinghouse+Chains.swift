import CALCore
internal import CALStore
import X509

extension Clearinghouse {
    /// The chain an activated server installs — its current certificate, then the root that
    /// signed it — or nil when the id was never activated here.
    public func chain(ofServer serverID: String) throws -> [Certificate]? {
        guard let id = CALIdentifier.normalized(serverID), let activation = try records({ try $0.activation(serverID: id) }) else { return nil }
        let certificate = try PEMBundle.certificateFromDER(activation.certificate)
        return [certificate, try generation(issuing: certificate).root]
    }
}
