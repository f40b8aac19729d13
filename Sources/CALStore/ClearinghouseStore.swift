import Foundation

/// What a clearinghouse keeps: activations and the packs it sold.
public protocol ClearinghouseStore: Sendable {
    /// Records an activation, minting the certificate inside the same transaction; refuses a
    /// server id activated before with ``StoreError/serverAlreadyActivated(_:)``.
    func activate(serverID: String, mint: () throws -> ActivationRecord) throws -> ActivationRecord

    /// The activation of a server id, if any.
    func activation(serverID: String) throws -> ActivationRecord?

    /// Every activation, oldest first.
    func activations() throws -> [ActivationRecord]

    /// Records a sold pack.
    func recordSale(_ pack: SoldPack) throws

    /// Every pack sold, oldest first.
    func soldPacks() throws -> [SoldPack]
}
