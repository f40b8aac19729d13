import CALCore
import Testing

@Suite("License-server and key-pack ids")
struct CALIdentifierTests {
    @Test("Ids are 35 characters of the unambiguous alphabet, and differ")
    func shape() {
        let ids = (0..<500).map { _ in CALIdentifier.random() }
        for id in ids {
            #expect(id.count == 35)
            #expect(id.allSatisfy { CALIdentifier.alphabet.contains($0) })
        }
        #expect(Set(ids).count == ids.count)
        for confusable in "0O1IL2Z5S8BUV" {
            #expect(!CALIdentifier.alphabet.contains(confusable))
        }
    }

    @Test("Grouped ids read back; wrong lengths and characters do not")
    func normalization() {
        let id = CALIdentifier.random()
        let grouped = CALIdentifier.grouped(id)
        #expect(grouped.count == 35 + 6)
        #expect(CALIdentifier.normalized(grouped) == id)
        #expect(CALIdentifier.normalized(grouped.lowercased()) == id)
        #expect(CALIdentifier.normalized(String(id.dropLast())) == nil)
        #expect(CALIdentifier.normalized(String(id.dropLast()) + "0") == nil)
    }

    @Test("Derived ids are stable for the same input and differ for different input")
    func derived() {
        let first = CALIdentifier.derived(from: Array("machine-a".utf8))
        #expect(first == CALIdentifier.derived(from: Array("machine-a".utf8)))
        #expect(first != CALIdentifier.derived(from: Array("machine-b".utf8)))
        #expect(CALIdentifier.normalized(first) == first)
    }
}
