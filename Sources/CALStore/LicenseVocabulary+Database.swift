import CALCore
import GRDB

// The vocabulary the ledger stores, as SQLite values: each case as its stable raw value (the
// strings and RFC 5280 codes the schema has always held). A stored value that names no case does
// not read (`storage`), never a guess.
extension LicenseType: DatabaseValueConvertible {}
extension LicenseStatus: DatabaseValueConvertible {}
extension RevocationReason: DatabaseValueConvertible {}
