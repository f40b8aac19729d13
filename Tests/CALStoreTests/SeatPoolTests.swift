import CALStore
import CALTestSupport
import Foundation
import Testing

@Suite("The license server store's seat pool")
struct SeatPoolTests {
    func pack(_ id: String, count: Int, type: String = "per-device", product: String = "P") -> InstalledPack {
        InstalledPack(
            packID: id, licenseType: type, product: product, productVersion: "1", count: count,
            agreementNumber: "A", installedAt: Date(), signedBytes: [1, 2, 3]
        )
    }

    func record(_ grant: SeatGrant, serial: String = UUID().uuidString, notAfter: Date = Date().addingTimeInterval(86_400)) -> IssuedLicense {
        IssuedLicense(
            serial: serial, licenseType: "per-device", status: "permanent", product: "P", productVersion: "1",
            subjectName: "device", packID: grant.pack?.packID, seat: grant.seat, notBefore: Date(), notAfter: notAfter,
            certificate: [0]
        )
    }

    @Test("A pack of N seats grants seats 1...N once each, then refuses and records nothing")
    func exactCount() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("PACK", count: 3))
        var seats: [Int] = []
        for _ in 0..<3 {
            let issued = try store.issue(product: "P", licenseType: "per-device", permanent: true, now: Date()) { record($0) }
            seats.append(try #require(issued.seat))
        }
        #expect(seats == [1, 2, 3])
        #expect(throws: StoreError.noSeatAvailable(product: "P")) {
            try store.issue(product: "P", licenseType: "per-device", permanent: true, now: Date()) { record($0) }
        }
        #expect(try store.issuedLicenses().count == 3)
    }

    @Test("A failed mint rolls the seat back")
    func failedMintTakesNothing() throws {
        struct MintFailed: Error {}
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("PACK", count: 1))
        #expect(throws: MintFailed.self) {
            try store.issue(product: "P", licenseType: "per-device", permanent: true, now: Date()) { _ in throw MintFailed() }
        }
        let issued = try store.issue(product: "P", licenseType: "per-device", permanent: true, now: Date()) { record($0) }
        #expect(issued.seat == 1)
    }

    @Test("The seat of an expired license is free again")
    func expiredSeatReturns() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("PACK", count: 1))
        let now = Date()
        _ = try store.issue(product: "P", licenseType: "per-device", permanent: true, now: now) {
            record($0, notAfter: now.addingTimeInterval(60))
        }
        #expect(throws: StoreError.self) {
            try store.issue(product: "P", licenseType: "per-device", permanent: true, now: now) { record($0) }
        }
        let later = try store.issue(product: "P", licenseType: "per-device", permanent: true, now: now.addingTimeInterval(120)) {
            record($0)
        }
        #expect(later.seat == 1)
    }

    @Test("The seat an expired license held is granted again, beside never-held seats")
    func gapIsFilled() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("PACK", count: 4))
        let now = Date()
        for lifetime in [600.0, 60, 600] {
            _ = try store.issue(product: "P", licenseType: "per-device", permanent: true, now: now) {
                record($0, notAfter: now.addingTimeInterval(lifetime))
            }
        }
        let later = now.addingTimeInterval(120)
        let seats = try (0..<2).map { _ in
            try store.issue(product: "P", licenseType: "per-device", permanent: true, now: later) { record($0) }.seat
        }
        #expect(Set(seats) == [2, 4])
        #expect(throws: StoreError.noSeatAvailable(product: "P")) {
            try store.issue(product: "P", licenseType: "per-device", permanent: true, now: later) { record($0) }
        }
    }

    @Test("Per-user and temporary issuance take no seat")
    func noSeatTaken() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("USERS", count: 1, type: "per-user"))
        for _ in 0..<3 {
            let issued = try store.issue(product: "P", licenseType: "per-user", permanent: true, now: Date()) { record($0) }
            #expect(issued.seat == nil)
            #expect(issued.packID == "USERS")
        }
        let temporary = try store.issue(product: "Q", licenseType: "per-device", permanent: false, now: Date()) { record($0) }
        #expect(temporary.seat == nil)
        #expect(try store.issuanceCounts().total == 4)
    }

    @Test("A pack installed twice is refused and counted once")
    func duplicatePack() throws {
        let folder = try TemporaryFolder()
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pack("PACK", count: 2))
        #expect(throws: StoreError.packAlreadyInstalled("PACK")) { try store.install(pack("PACK", count: 2)) }
        #expect(try store.installedPacks().count == 1)
        #expect(try store.packUsage(at: Date()).map(\.total) == [2])
    }

    @Test("Concurrent issuers on separate connections never oversubscribe a pack")
    func concurrentConnections() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("calkit.sqlite")
        try SQLiteLicenseServerStore(path: path).install(pack("PACK", count: 10))
        let granted = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    guard let store = try? SQLiteLicenseServerStore(path: path) else { return [] }
                    var seats: [Int] = []
                    for _ in 0..<6 {
                        if let issued = try? store.issue(product: "P", licenseType: "per-device", permanent: true, now: Date(), mint: { grant in
                            self.record(grant)
                        }), let seat = issued.seat {
                            seats.append(seat)
                        }
                    }
                    return seats
                }
            }
            var all: [Int] = []
            for await seats in group { all += seats }
            return all
        }
        #expect(granted.sorted() == Array(1...10))
        #expect(try SQLiteLicenseServerStore(path: path).issuedLicenses().count == 10)
    }
}
