import CLMDB
import Foundation

/// Everything that can go wrong in the log, named so callers can match on it.
public enum LogError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Another process holds a lock the log needs and did not release it in time.
    case locked(path: String)
    /// The store's files are damaged or are not a store of this format.
    case corrupted(String)
    /// The disk is full (or the map cannot grow further); nothing was written.
    case diskFull(path: String)
    /// The store directory does not exist and the caller asked not to create it.
    case notFound(path: String)
    /// The store was written by a newer version of the program.
    case unsupportedFormat(found: UInt32, supported: UInt32)
    /// `verify` found a disagreement; `position` is the first bad position (0 for an index-only problem).
    case verificationFailed(position: UInt64, reason: String)
    /// An LMDB call failed in a way not covered above.
    case lmdb(code: Int32, operation: String)
    /// A filesystem operation (backup, directory creation) failed.
    case io(String)
    /// An entry for `index` has a key (or, in an index of many values a key, a value) of
    /// `bytes` bytes, more than LMDB takes (`limit`). Refused when the entry is put, before it
    /// can reach the B-tree: there it would fail every later write that flushes the tail.
    case entryTooLarge(index: String, bytes: Int, limit: Int)

    /// Lets callers write `catch LogError.diskFull(...)`-style matches against any error.
    public static func ~= (pattern: LogError, error: any Error) -> Bool {
        (error as? LogError) == pattern
    }

    public var description: String {
        switch self {
        case .locked(let path): "store at \(path) is locked by another process"
        case .corrupted(let what): "store is corrupt: \(what)"
        case .diskFull(let path): "the disk is full (or failing) under \(path); nothing was written"
        case .notFound(let path): "no store at \(path)"
        case .unsupportedFormat(let found, let supported):
            found > supported
                ? "store format \(found) is newer than this program's \(supported)"
                : "store format \(found) was written by a development build; this program reads format \(supported) (export with that build, import here)"
        case .verificationFailed(let position, let reason):
            position > 0 ? "verification failed at position \(position): \(reason)" : "verification failed: \(reason)"
        case .lmdb(let code, let operation):
            "\(operation) failed: \(String(cString: mdb_strerror(code))) (\(code))"
        case .io(let what): what
        case .entryTooLarge(let index, let bytes, let limit):
            "an entry of index \(index) is \(bytes) bytes long; the store takes keys of 1 to \(limit) bytes"
        }
    }
}

/// Turns an LMDB return code into a thrown `LogError`.
@inline(__always)
func check(_ rc: Int32, _ operation: @autoclosure () -> String, path: String = "") throws {
    guard rc != 0 else { return }
    throw LogError(rc, operation(), path: path)
}

extension LogError {
    init(_ rc: Int32, _ operation: String, path: String) {
        switch rc {
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH:
            self = .corrupted("\(operation): \(String(cString: mdb_strerror(rc)))")
        case ENOSPC, EDQUOT, EIO:
            // LMDB reports a short write at commit as EIO.
            self = .diskFull(path: path)
        case EAGAIN, EBUSY:
            self = .locked(path: path)
        default:
            self = .lmdb(code: rc, operation: operation)
        }
    }
}
