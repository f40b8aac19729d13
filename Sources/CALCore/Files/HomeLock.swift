import Foundation

/// A lock on a role's home between the services that use its ledger and an operation that
/// replaces the ledger: every `serve` holds it shared for its lifetime, `restore` holds it
/// alone, so a ledger is never replaced under a running service. The lock is the kernel's
/// (`flock` on `serve.lock` in the home): it goes when the process does, even after `kill -9`.
public final class HomeLock: Sendable {
    /// The lock file's name in a home.
    public static let fileName = "serve.lock"
    private let descriptor: Int32

    /// Takes the lock on the home at `home`: shared (for a service) or exclusive (for a
    /// restore); never waits. `home-in-use` when the other kind is held.
    public init(home: String, exclusive: Bool) throws {
        let path = URL(fileURLWithPath: home).appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CALError(.fileAccess, "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            throw CALError(
                .homeInUse,
                exclusive
                    ? "\(home) is being served (calkit ... serve); stop the service before replacing its ledger"
                    : "\(home)'s ledger is being restored; start the service when the restore has finished"
            )
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
