import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

@Suite("PostgreSQL locations: URLs without passwords, passwords from PGPASSWORD or a passfile")
struct PostgresLocationTests {
    @Test("A URL reads into its parts and prints back without a password; options are checked")
    func urls() throws {
        let location = try PostgresLocation(url: "postgresql://calkit@db.example:6432/licensing?schema=hq&sslmode=verify-full")
        #expect(location.user == "calkit" && location.host == "db.example" && location.port == 6432 && location.database == "licensing")
        #expect(location.schema == "hq" && location.sslMode == .verifyFull)
        #expect(location.description == "postgresql://calkit@db.example:6432/licensing?schema=hq&sslmode=verify-full")
        #expect(try PostgresLocation(url: "postgres://u@[::1]/d").description == "postgresql://u@[::1]:5432/d")
        for bad in [
            "postgresql://calkit:secret@db/licensing", "postgresql://db/licensing", "postgresql://calkit@db", "postgresql://calkit@db/a/b",
            "postgresql://calkit@db/d?schema=Bad-Name", "postgresql://calkit@db/d?sslmode=maybe", "postgresql://calkit@db/d?color=blue", "mysql://u@db/d",
        ] {
            #expect(thrownCode { _ = try PostgresLocation(url: bad) } == "invalid-argument", "\(bad)")
        }
        #expect(!"\(String(describing: try? PostgresLocation(url: "postgresql://calkit:secret@db/licensing")))".contains("secret"))
    }

    @Test("The password comes from PGPASSWORD, else the first matching passfile line, which only its owner may read")
    func passwords() throws {
        let folder = try TemporaryFolder("passfile")
        let location = try PostgresLocation(url: "postgresql://calkit@db.example:5432/licensing")
        let passfile = try folder.write(
            "pgpass", "# comment\nother.example:5432:licensing:calkit:wrong\n*:5432:licensing:calkit:pa\\:ss\\\\word\ndb.example:*:*:*:later\n"
        )
        chmod(passfile, 0o600)
        #expect(location.password(environment: ["PGPASSFILE": passfile]) == "pa:ss\\word")
        #expect(location.password(environment: ["PGPASSFILE": passfile, "PGPASSWORD": "from-env"]) == "from-env")
        chmod(passfile, 0o644)
        #expect(location.password(environment: ["PGPASSFILE": passfile]) == nil, "a passfile others can read is ignored, as libpq does")
        #expect(location.password(environment: ["PGPASSFILE": folder.file("absent")]) == nil)
    }
}
