import Foundation

/// A published CRL as scripts see it.
struct CRLSummary: Encodable {
    var file: String
    var number: UInt64
    var entries: Int
    var thisUpdate: Date
    var nextUpdate: Date?
}
