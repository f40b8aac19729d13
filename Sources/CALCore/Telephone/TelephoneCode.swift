/// The grouped text a person reads out by telephone: 5 data characters and 1 check character
/// per group, from an alphabet without look-alikes.
///
/// The alphabet is Crockford's Base32 (`0-9`, `A-Z` without `I L O U`): 5 bits a character, and
/// `O` is read as `0`, `I` and `L` as `1`, so what a person hears or types by mistake still reads.
/// Each group's check character is a Luhn mod 32 check over the group's number and its five
/// characters: it catches every single wrong character and every swap of two neighbours, and a
/// group typed in the wrong place. A group that does not check is named by its number.
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

    /// Luhn mod 32 over the group number (two characters) and the group's data values.
    static func checkValue(group number: Int, data: [Int]) -> Int {
        let codePoints = [(number / 32) % 32, number % 32] + data
        var factor = 2
        var sum = 0
        for codePoint in codePoints.reversed() {
            var addend = factor * codePoint
            factor = factor == 2 ? 1 : 2
            addend = addend / 32 + addend % 32
            sum += addend
        }
        return (32 - sum % 32) % 32
    }
}
