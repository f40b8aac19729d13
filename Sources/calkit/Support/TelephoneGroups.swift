import ArgumentParser
import CALCore
import Foundation

/// How the telephone method's groups are printed for a person to read out, and read back as
/// they are typed: given whole with an option, or typed group by group at a prompt, each group
/// checked as it comes so that a wrong one is asked for again at once.
enum TelephoneGroups {
    /// Prints `message`'s groups; JSON adds `groupCount` and `fields`.
    static func print(_ message: TelephoneMessage, heading: String, json: Bool, fields: [String: String] = [:]) throws {
        let groups = try message.groups()
        if json {
            var object = fields
            object["groups"] = groups.joined(separator: " ")
            object["groupCount"] = String(groups.count)
            Output.json(object)
        } else {
            Swift.print("\(heading) (\(groups.count) groups of 6; the last character of each group is its check character):")
            Swift.print(TelephoneCode.printed(groups))
        }
    }

    /// The groups given with an option, or typed at the prompt when there is none.
    static func read(_ given: String?, expecting kind: TelephoneMessage.Kind) throws -> String {
        if let given { return given }
        guard isatty(STDIN_FILENO) != 0 || ProcessInfo.processInfo.environment["CALKIT_TELEPHONE_PROMPT"] != nil else {
            throw ValidationError("give the groups with --code \"...\", or run at a terminal to type them one by one")
        }
        var groups: [String] = []
        var total: Int?
        prompt("Type the groups of \(kind) as they are read out, one or more per line.")
        while total.map({ groups.count < $0 }) ?? true {
            prompt("group \(groups.count + 1)\(total.map { " of \($0)" } ?? ""): ", newline: false)
            guard let line = readLine() else { throw CALError.telephoneCodeInvalid("the input ended after \(groups.count) groups") }
            for group in TelephoneCode.split(line) {
                let number = groups.count + 1
                do {
                    _ = try TelephoneCode.read(group: group, number: number)
                    if number == 1 { total = try TelephoneMessage.groupCount(startingWith: group, expecting: kind) }
                    groups.append(group)
                } catch let error as CALError {
                    prompt(error.detail)
                    break
                }
                if let total, groups.count == total { break }
            }
        }
        return groups.joined(separator: " ")
    }

    /// The telephone method's sizes, for `--help`: which key types go by telephone and how many
    /// groups each exchange reads out.
    static func sizes(_ exchanges: [(String, TelephoneMessage.Kind)]) -> String {
        let types = TelephoneMessage.keyTypes
        let rows = exchanges.map { name, kind in
            "  \(name): " + types.map { "\($0.rawValue) \(TelephoneMessage.groupCount(kind, keyType: $0))" }.joined(separator: ", ") + " groups"
        }
        return "By telephone, keys and signatures of type \(types.map(\.rawValue).joined(separator: ", ")) are read out "
            + "(rsa3072 is too long: use a file). Groups are 5 characters and a check character:\n" + rows.joined(separator: "\n")
    }

    private static func prompt(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
    }
}
