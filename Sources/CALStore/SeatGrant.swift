import Foundation

/// The pack and seat an issuance draws on; nil pack for temporary licenses.
public struct SeatGrant: Hashable, Sendable {
    /// The pack drawn on.
    public var pack: InstalledPack?
    /// The seat taken, for permanent per-device licenses.
    public var seat: Int?
}
