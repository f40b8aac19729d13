import Foundation

/// A published CRL as scripts see it.
struct CRLSummary: Encodable {
    var file: String
    var number: UInt64
    /// Whether it is a delta CRL, and then the number of the complete CRL it adds to.
    var delta: Bool
    var baseNumber: UInt64?
    var entries: Int
    var thisUpdate: Date
    var nextUpdate: Date?
    /// Where a complete CRL says its delta CRLs are published.
    var freshestCRL: String?
}
