import CALCore
import CALTestSupport
import Testing

@Suite("The parsed-file cache")
struct ParsedFileCacheTests {
    @Test("A file is parsed once until it is replaced, then parsed again")
    func reparsesOnChange() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("value.txt")
        try SecureFile.write(Array("one".utf8), to: path)
        let cache = ParsedFileCache<String>()
        var parses = 0
        let parse: (String) throws -> String = { path in
            parses += 1
            return String(decoding: try SecureFile.read(path), as: UTF8.self)
        }
        #expect(try cache.value(at: path, parse: parse) == "one")
        #expect(try cache.value(at: path, parse: parse) == "one")
        #expect(parses == 1)
        try SecureFile.write(Array("two".utf8), to: path)
        #expect(try cache.value(at: path, parse: parse) == "two")
        #expect(parses == 2)
    }

    @Test("A missing file is not cached: the parser's error comes through every time")
    func missingFile() throws {
        let cache = ParsedFileCache<[UInt8]>()
        for _ in 0..<2 {
            #expect(throws: CALError.fileNotFound(path: "/nonexistent/file")) {
                try cache.value(at: "/nonexistent/file", parse: SecureFile.read)
            }
        }
    }
}
