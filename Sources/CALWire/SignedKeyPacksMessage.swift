import Foundation

/// `GET /v1/packs`: the key packs installed on a license server, each as the clearinghouse
/// signed it (CMS SignedData, DER), base64 in JSON.
public struct SignedKeyPacksMessage: Codable, Sendable {
    /// The signed packs, DER.
    public var packs: [[UInt8]]

    /// The message for `packs`.
    public init(packs: [[UInt8]]) { self.packs = packs }

    private enum CodingKeys: String, CodingKey { case packs }

    /// Reads the packs, refusing one that is not base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        packs = try container.decode([String].self, forKey: .packs).map { text in
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: .packs, in: container, debugDescription: "a pack is not base64")
            }
            return Array(data)
        }
    }

    /// Writes each pack as base64.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(packs.map { Data($0).base64EncodedString() }, forKey: .packs)
    }
}
