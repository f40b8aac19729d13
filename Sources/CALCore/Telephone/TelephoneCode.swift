/// The grouped text a person reads out by telephone: 5 data characters and 1 check character
/// per group, from an alphabet without look-alikes.
///
/// The alphabet is Crockford's Base32 (`0-9`, `A-Z` without `I L O U`): 5 bits a character, and
/// `O` is read as `0`, `I` and `L` as `1`, so what a person hears or types by mistake still reads.
///
/// Each group's check character makes the weighted sum of the group's number (mod 32), its five
/// characters and the check itself zero in GF(32), the weights being distinct powers of a
/// primitive element. A code like that catches, with certainty, every single wrong character
/// (the check character's included), every swap of two different characters of a group (not
/// only neighbours), and a group typed in the place of another fewer than 32 groups away. (Luhn's
/// mod 32 check, tried first, misses a swap of `0` and `Z`.) A group that does not check is named
/// by its number; what a group check cannot see, the check over the whole code does.
public enum TelephoneCode {
    /// The 32 characters, in value order.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Data characters in a group.
    public static let dataCharacters = 5
    /// Characters in a group, its check character included.
    public static let groupLength = dataCharacters + 1
    /// Bits a group carries.
    public static let bitsPerGroup = 5 * dataCharacters

    /// The groups for `bits` (its last group padded with zero bits).
    public static func groups(_ bits: TelephoneBits) -> [String] {
        let values = bits.fiveBitValues(paddedTo: dataCharacters)
        return stride(from: 0, to: values.count, by: dataCharacters).enumerated().map { offset, start in
            let data = Array(values[start..<start + dataCharacters])
            let check = checkValue(group: offset + 1, data: data)
            return String((data + [check]).map { alphabet[$0] })
        }
    }

    /// The groups as they are printed: `number: GROUP` pairs, six to a line.
    public static func printed(_ groups: [String]) -> String {
        stride(from: 0, to: groups.count, by: 6).map { start in
            groups[start..<min(start + 6, groups.count)].enumerated().map { offset, group in
                let number = start + offset + 1
                return (number < 10 ? " " : "") + "\(number): " + group
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The groups a person typed: separated by spaces, dashes, commas or new lines, or run
    /// together (then cut every 6 characters). Group numbers (`12:`) are skipped.
    public static func split(_ text: String) -> [String] {
        let tokens = text.split(whereSeparator: { " \t\n\r,-".contains($0) }).map(String.init).filter { !$0.hasSuffix(":") }
        if tokens.count == 1, let only = tokens.first, only.count > groupLength {
            return stride(from: 0, to: only.count, by: groupLength).map { start in
                let from = only.index(only.startIndex, offsetBy: start)
                return String(only[from..<(only.index(from, offsetBy: groupLength, limitedBy: only.endIndex) ?? only.endIndex)])
            }
        }
        return tokens
    }

    /// Checks group `number` (1-based) as typed and returns its five data values.
    public static func read(group text: String, number: Int) throws -> [Int] {
        guard text.count == groupLength else {
            throw CALError.telephoneCodeInvalid("group \(number) (\(text)) has \(text.count) characters, not \(groupLength): read it again")
        }
        var values: [Int] = []
        for character in text {
            guard let value = value(of: character) else {
                throw CALError.telephoneCodeInvalid(
                    "group \(number) (\(text)) has \"\(character)\", which is not a code character (0-9, A-Z without I, L, O, U)"
                )
            }
            values.append(value)
        }
        let data = Array(values.prefix(dataCharacters))
        guard checkValue(group: number, data: data) == values[dataCharacters] else {
            throw CALError.telephoneCodeInvalid("group \(number) (\(text)) does not check: read it again")
        }
        return data
    }

    /// Reads and checks every group of `text` and returns the bits they carry.
    public static func bits(of text: String) throws -> TelephoneBits {
        let groups = split(text)
        guard !groups.isEmpty else { throw CALError.telephoneCodeInvalid("no groups were given") }
        var values: [Int] = []
        for (index, group) in groups.enumerated() {
            values += try read(group: group, number: index + 1)
        }
        return TelephoneBits(fiveBitValues: values)
    }

    /// The value of a character as a person may type it, or nil.
    static func value(of character: Character) -> Int? {
        switch character.uppercased() {
        case "O": return 0
        case "I", "L": return 1
        case let upper: return alphabet.firstIndex(of: Character(upper))
        }
    }

    /// The check value: what makes Σ αᵏ·xₖ = 0 in GF(32) over x = (number mod 32, the five data
    /// values, the check), α a primitive element; so check = α⁻⁶ · Σₖ₌₀₋₅ αᵏ·xₖ. (The number
    /// enters as one symbol: a second, for numbers above 31, would let group 18 pass as group 32.)
    static func checkValue(group number: Int, data: [Int]) -> Int {
        let symbols = [number % 32] + data
        var sum = 0
        var weight = 1
        for symbol in symbols {
            sum ^= Field.multiply(weight, symbol)
            weight = Field.multiply(weight, 2)
        }
        // weight is now α⁶; α⁻⁶ = α²⁵, since α³¹ = 1.
        return Field.multiply(sum, Field.power(2, 25))
    }

    /// Arithmetic in GF(2⁵) modulo the primitive polynomial x⁵ + x² + 1, for the group check.
    enum Field {
        /// The product of two field elements (0...31).
        static func multiply(_ left: Int, _ right: Int) -> Int {
            var product = 0
            var a = left
            var b = right
            while b > 0 {
                if b & 1 == 1 { product ^= a }
                b >>= 1
                a <<= 1
                if a & 0x20 != 0 { a ^= 0x25 }
            }
            return product
        }

        /// `base` to the power `exponent`.
        static func power(_ base: Int, _ exponent: Int) -> Int {
            (0..<exponent).reduce(1) { product, _ in multiply(product, base) }
        }
    }
}
