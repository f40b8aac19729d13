import CALCore
import Foundation

/// The default device id of this machine: stable across runs, derived from the machine id.
public enum DeviceID {
    /// A 35-character id derived from `/etc/machine-id` (or the host name where there is none).
    public static func ofThisMachine() -> String {
        let sources = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        for path in sources {
            if let bytes = try? SecureFile.read(path), !bytes.isEmpty {
                return CALIdentifier.derived(from: Array("calkit-device:".utf8) + bytes)
            }
        }
        return CALIdentifier.derived(from: Array("calkit-device:\(ProcessInfo.processInfo.hostName)".utf8))
    }
}
