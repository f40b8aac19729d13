/// The rule for a product name, which CALKit puts in key packs and in every license's extension:
/// checked once, worded once, wherever a product is named (command line, HTTP, host, clearinghouse).
public enum ProductName {
    /// The longest product name, in characters.
    public static let maximumLength = 64

    /// Throws `invalid-argument` unless `product` is 1 to ``maximumLength`` characters without control characters.
    public static func validate(_ product: String) throws {
        guard !product.isEmpty, product.count <= maximumLength else {
            throw CALError.invalidArgument("the product name must be 1 to \(maximumLength) characters")
        }
        guard product.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw CALError.invalidArgument("the product name must not contain control characters")
        }
    }
}
