import CALCore
import CALStore
import Foundation

/// The real PostgreSQL the tests run against: `CALKIT_TEST_POSTGRES_URL` (what `make test` sets
/// after starting the throwaway cluster with `scripts/postgres.sh`), else the cluster `make
/// postgres` left running under `.build/postgres`. Never a mock, and never skipped: without
/// PostgreSQL the tests that need it fail, saying how to start it.
public enum TestPostgres {
    /// The cluster's URL (database `calkit`, no schema).
    public static func url() throws -> String {
        if let url = ProcessInfo.processInfo.environment["CALKIT_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        let portFile = ExternalTool.repositoryRoot + "/.build/postgres/port"
        guard let port = try? String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), Int(port) != nil
        else {
            throw CALError.storage("no PostgreSQL for the tests: run make postgres (make test starts one itself)")
        }
        return "postgresql://calkit@127.0.0.1:\(port)/calkit"
    }

    /// A place no other test uses: the cluster's database, in a schema of its own.
    public static func freshLocation(_ purpose: String = "test") throws -> PostgresLocation {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return try PostgresLocation(url: try url()).with(schema: "\(purpose)_\(suffix)")
    }
}
