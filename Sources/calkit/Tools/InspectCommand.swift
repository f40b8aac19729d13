import ArgumentParser
import CALCore

/// `calkit inspect`: recognises and prints a CALKit artefact.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Recognise and print a certificate, CSR, key pack, CRL, or OCSP request or response (PEM or DER).",
        discussion: "Prints subject, issuer, validity, serial and every license-extension field. Never prints key material."
    )

    @Argument(help: ArgumentHelp("The file to inspect.", valueName: "file")) var file: String
    @OptionGroup var clock: ClockOptions
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let description = try ArtifactDescription.describe(try SecureFile.read(file), path: file, at: try clock.source().now)
        let all = [description] + description.more
        if json {
            let objects = all.map { item in
                var object = ["kind": item.kind]
                for (name, value) in item.fields { object[Self.jsonKey(name)] = value }
                return object
            }
            if objects.count == 1 { Output.json(objects[0]) } else { Output.json(objects) }
            return
        }
        for (index, item) in all.enumerated() {
            if index > 0 { print("") }
            print(item.kind + (all.count > 1 ? " \(index + 1) of \(all.count)" : ""))
            Output.fields(item.fields.map { ($0.name, $0.value) }, indent: "  ")
        }
    }

    /// `not before` → `notBefore`.
    private static func jsonKey(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "-", with: " ").split(separator: " ")
        guard let first = words.first else { return name }
        return first.lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
