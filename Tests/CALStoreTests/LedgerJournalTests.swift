import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

@Suite("The ledger journal: what a restore replays over a backup")
struct LedgerJournalTests {
    @Test("Committed transactions are replayed over an older backup; a transaction without its commit line, and a line cut short, are not")
    func replaysCommittedOnly() throws {
        let folder = try TemporaryFolder("journal")
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.setSetting("first", "1", now: Date())
        _ = try store.backup(to: folder.file("backup.sqlite"), now: Date())
        let awkward = "quote \" backslash \\ newline \n tab \t control \u{01} é 🙂"
        try store.setSetting("second", awkward, now: Date())
        try store.setSetting("first", "changed", now: Date())
        let journal = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("ledger.journal")))
        try journal.seekToEnd()
        let uncommitted = #"{"x":"dead","rows":[{"t":"settings","r":999,"c":["name","value"],"v":[{"s":"uncommitted"},{"s":"yes"}]}]}"#
        try journal.write(contentsOf: Data((uncommitted + "\n" + #"{"x":"cut","rows":[{"t":"sett"#).utf8))
        try journal.close()

        let restored = try store.restore(from: folder.file("backup.sqlite"))
        #expect(restored.transactionsReplayed >= 3)
        #expect(try store.setting("first") == "changed")
        #expect(try store.setting("second") == awkward, "the hand-written JSON reads back as written")
        #expect(try store.setting("uncommitted") == nil)
        #expect(try store.auditLog().count == restored.entries)
    }

    @Test("A transaction of more rows than fit a line is written in several lines and replayed whole")
    func largeTransaction() throws {
        let folder = try TemporaryFolder("journal")
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        _ = try store.backup(to: folder.file("backup.sqlite"), now: Date())
        try store.install(
            InstalledPack(
                packID: CALIdentifier.random(), licenseType: .perDevice, product: "Desk", productVersion: "1", count: 2_000,
                agreementNumber: "A", installedAt: Date(), signedBytes: [1, 2, 3]
            )
        )
        let lines = try String(contentsOfFile: folder.file("ledger.journal"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 3)
        _ = try store.restore(from: folder.file("backup.sqlite"))
        #expect(try store.packUsage(at: Date()).first?.free == 2_000)
    }
}
