import ArgumentParser
import Foundation

/// `--database URL` of the commands that create a role's home: where its ledger lives.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            """
            Keep the ledger in PostgreSQL instead of the home's SQLite file: \
            postgresql://USER@HOST:PORT/DATABASE[?schema=NAME&sslmode=disable|require|verify-full]. \
            The URL is written into the home, so it must not hold a password: give that in PGPASSWORD \
            or a passfile (~/.pgpass). Defaults to CALKIT_DATABASE_URL; without either, SQLite.
            """,
            valueName: "url"
        )
    )
    var database: String?

    /// The URL given, or `CALKIT_DATABASE_URL`; nil for SQLite.
    var url: String? {
        if let database, !database.isEmpty { return database }
        if let url = ProcessInfo.processInfo.environment["CALKIT_DATABASE_URL"], !url.isEmpty { return url }
        return nil
    }
}
