import CLMDB
import CLibCrypto
import Foundation

/// A secondary index the caller defines: its name and, for an index whose keys hold many
/// values of one fixed size (kept sorted, read a page at a time), that size. A table that is
/// not derived from the log (`isDerived` false, e.g. users) is stored beside it, backed up
/// with it, and left alone by `verify`.
public struct IndexSpec: Hashable, Sendable {
    public let name: String
    public let fixedValueSize: Int?
    public let isDerived: Bool

    public init(name: String, fixedValueSize: Int? = nil, isDerived: Bool = true) {
        self.name = name
        self.fixedValueSize = fixedValueSize
        self.isDerived = isDerived
    }
}

/// An open secondary index.
public struct LogIndex: Sendable {
    let dbi: MDB_dbi
    public let spec: IndexSpec
}

/// One entry a caller writes into a secondary index for an event.
public struct IndexEntry: Sendable {
    public let index: LogIndex
    public let key: [UInt8]
    public let value: [UInt8]

    public init(_ index: LogIndex, key: [UInt8], value: [UInt8]) {
        self.index = index
        self.key = key
        self.value = value
    }
}

/// How to open a log.
public struct LogOptions: Sendable {
    /// The map's first size; it doubles whenever it fills.
    public var initialMapSize: Int = 64 << 20
    /// Concurrent read transactions across all processes.
    public var maxReaders: UInt32 = 510
    /// The secondary indexes the caller maintains.
    public var indexes: [IndexSpec] = []

    public init(initialMapSize: Int = 64 << 20, maxReaders: UInt32 = 510, indexes: [IndexSpec] = []) {
        self.initialMapSize = initialMapSize
        self.maxReaders = maxReaders
        self.indexes = indexes
    }
}

struct Databases: Sendable {
    let log: MDB_dbi
    let ids: MDB_dbi
    let meta: MDB_dbi
    let indexes: [String: LogIndex]
    /// See `Environment.maxKeySize`.
    let maxKeySize: Int
}

enum MetaKey {
    static let format = Array("format".utf8)
    /// The watermark: the last position whose ids and index entries are in the B-trees.
    static let indexed = Array("indexed".utf8)
    /// Present while a derived index added to an existing store waits for `EventLog.build`.
    static func unbuilt(_ index: String) -> [UInt8] { Array("unbuilt.\(index)".utf8) }
}

/// The append-only event log: positions, the id index, the hash chain and the caller's
/// secondary indexes, in one LMDB environment. Knows nothing of what the events mean.
///
/// Open one `EventLog` per store and process and share it; see Concurrency.md.
public final class EventLog: Sendable {
    /// The format this program reads and writes; a store of another one is refused. Format 3
    /// keeps the newest events' index entries out of the B-trees (see `Tail`) and the log in
    /// LMDB's main database (see `LogKey`).
    public static let formatVersion: UInt32 = 3

    public let path: String
    let environment: Environment
    let databases: Databases
    /// Derived indexes that a store made by an earlier program lacked when it was opened: they
    /// hold no entries yet for the events up to the watermark. `build` fills one.
    public let unbuiltIndexes: [LogIndex]
    let tailCache = TailCache()
    /// Set once, right after opening (`setIndexer`). The closure sits inside a struct: a bare
    /// closure in a generic lock is re-wrapped in a reabstraction thunk on every access, a
    /// chain that grew with every transaction.
    private let indexer = Locked(IndexerSlot())
    /// The transactions this process committed most recently, without any other's in between.
    private let ownCommits = Locked(OwnCommits())

    /// Opens (creating when needed) the store in directory `path`.
    public init(path: String, options: LogOptions = LogOptions()) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LogError.io("cannot create store directory \(path): \(error.localizedDescription)")
        }
        environment = try Environment(
            path: path, mapSize: options.initialMapSize, maxReaders: options.maxReaders,
            maxDatabases: UInt32(3 + options.indexes.count))
        (databases, unbuiltIndexes) = try Self.openDatabases(environment, indexes: options.indexes)
    }

    private static func openDatabases(_ environment: Environment, indexes: [IndexSpec]) throws -> (Databases, unbuilt: [LogIndex]) {
        var attempt = 0
        while true {
            attempt += 1
            let seen = environment.mapSize
            do {
                return try environment.shared { () throws -> (Databases, unbuilt: [LogIndex]) in
                    let txn = try environment.begin(readOnly: false)
                    do {
                        func open(_ name: String, _ flags: Int32) throws -> MDB_dbi {
                            var dbi = MDB_dbi()
                            let rc = mdb_dbi_open(txn, name, UInt32(flags | MDB_CREATE), &dbi)
                            // A database new to a store whose map is full (an index this program
                            // adds): grow the map and open again.
                            if rc == MDB_MAP_FULL { throw LogError.mapFull }
                            try check(rc, "opening database \(name)")
                            return dbi
                        }
                        var log = MDB_dbi()
                        try check(mdb_dbi_open(txn, nil, 0, &log), "opening the main database")
                        let ids = try open("ids", 0)
                        let meta = try open("meta", 0)
                        var opened: [String: LogIndex] = [:]
                        var added: [IndexSpec] = []
                        for spec in indexes {
                            let flags = spec.fixedValueSize == nil ? 0 : MDB_DUPSORT | MDB_DUPFIXED
                            var dbi = MDB_dbi()
                            let rc = mdb_dbi_open(txn, "index." + spec.name, UInt32(flags), &dbi)
                            if rc == MDB_NOTFOUND {
                                dbi = try open("index." + spec.name, flags)
                                added.append(spec)
                            } else {
                                try check(rc, "opening database index.\(spec.name)")
                            }
                            opened[spec.name] = LogIndex(dbi: dbi, spec: spec)
                        }
                        let databases = Databases(log: log, ids: ids, meta: meta, indexes: opened, maxKeySize: environment.maxKeySize)
                        let reader = ReadTransaction(txn: txn, databases: databases, tailContext: nil)
                        let found = try reader.get(meta, key: MetaKey.format).map { value in
                            guard value.count == 4 else { throw LogError.corrupted("store damaged: the format record has \(value.count) bytes") }
                            return value.withUnsafeBytes { $0.loadBigEndian(UInt32.self, at: 0) }
                        }
                        // Formats 1 and 2 were never released: only development builds wrote them.
                        if let found, found != formatVersion {
                            throw LogError.unsupportedFormat(found: found, supported: formatVersion)
                        }
                        if found == nil {
                            var value: [UInt8] = []
                            value.appendBigEndian(formatVersion)
                            try WriteTransaction.put(txn, meta, key: MetaKey.format, value: value, flags: 0)
                        } else if try reader.watermark() > 0 {
                            // An index this program adds to an older store lacks the entries of the
                            // events in the B-trees until `build` fills it (the tail's it computes).
                            for spec in added where spec.isDerived {
                                try WriteTransaction.put(txn, meta, key: MetaKey.unbuilt(spec.name), value: [1], flags: 0)
                            }
                        }
                        let unbuilt = try opened.values.filter { try reader.get(meta, key: MetaKey.unbuilt($0.spec.name)) != nil }
                        let rc = mdb_txn_commit(txn)
                        if rc == MDB_MAP_FULL { throw LogError.mapFull }
                        try check(rc, "creating the store", path: environment.path)
                        return (databases, unbuilt.sorted { $0.spec.name < $1.spec.name })
                    } catch {
                        mdb_txn_abort(txn)
                        throw error
                    }
                }
            } catch LogError.mapFull where attempt < 64 {
                try environment.grow(from: seen)
            } catch LogError.mapResized where attempt < 64 {
                try environment.adoptResizedMap()
            }
        }
    }

    /// The secondary index named `name` (declared in the options).
    public func index(_ name: String) -> LogIndex {
        guard let index = databases.indexes[name] else { preconditionFailure("index \(name) was not declared") }
        return index
    }

    /// Tells the log how to compute the index entries of a stored event, which it needs for
    /// the newest events (see `Tail`). Call once, right after opening, before any transaction.
    /// Without an indexer every write transaction puts its entries into the B-trees at once.
    public func setIndexer(_ indexer: @escaping Indexer) {
        self.indexer.withLock { $0.indexer = indexer }
    }

    var tailContext: TailContext { TailContext(cache: tailCache, indexer: indexer.withLock { $0.indexer }) }

    /// Fills `index`, one of `unbuiltIndexes`, with the entries of the events up to the
    /// watermark (those of the later ones wait in the tail, from the indexer), in one write
    /// transaction; `entries` gives an event's entries (only those of `index` are kept), as
    /// the indexer would. Does nothing when another process built it first.
    public func build(_ index: LogIndex, entries: (StoredEvent, ReadTransaction) throws -> [IndexEntry]) throws {
        try write { txn in
            let marker = MetaKey.unbuilt(index.spec.name)
            guard try txn.get(databases.meta, key: marker) != nil else { return }
            let watermark = try txn.watermark()
            try txn.forEachEvent(after: 0) { event in
                guard event.position <= watermark else { return false }
                for entry in try entries(event, txn) where entry.index.dbi == index.dbi {
                    try txn.put(entry.value, forKey: entry.key, in: index)
                }
                return true
            }
            try txn.deleteMeta(marker)
        }
    }

    /// Lends a read transaction to `body`; it sees one consistent snapshot and never blocks writers.
    public func read<T>(_ body: (ReadTransaction) throws -> T) throws -> T {
        while true {
            do {
                return try environment.shared {
                    let txn = try environment.begin(readOnly: true)
                    defer { mdb_txn_abort(txn) }
                    let reader = ReadTransaction(txn: txn, databases: databases, tailContext: tailContext)
                    reader.mappedFile = environment.mappedFile()
                    return try body(reader)
                }
            } catch LogError.mapResized {
                try environment.adoptResizedMap()
            }
        }
    }

    /// Lends a write transaction to `body` and commits it durably when `body` returns; aborts
    /// when it throws. When the map fills, the map grows and `body` runs again from the start,
    /// so `body` must not change anything outside the transaction. Synchronous by design: an
    /// LMDB write transaction must begin and end on one thread.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try write(recorded: nil, body)
    }

    /// `write`, its events recorded at `recorded` instead of now: for copying a log, whose
    /// events keep the recorded time they had. Throws when that time is before the head's.
    public func write<T>(recorded: Milliseconds?, _ body: (WriteTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let seen = environment.mapSize
            do {
                return try environment.shared {
                    let txn = try environment.begin(readOnly: false)
                    let writer: WriteTransaction
                    do {
                        writer = try WriteTransaction(txn: txn, databases: databases, parent: nil, tailContext: tailContext, recorded: recorded)
                    } catch {
                        mdb_txn_abort(txn)
                        throw error
                    }
                    let result: T
                    let tail: Tail
                    do {
                        result = try body(writer)
                        try writer.writeTailIfDue(always: writer.tailContext?.indexer == nil)
                        if writer.mapFull { throw LogError.mapFull }
                        tail = try writer.tail()
                    } catch {
                        mdb_txn_abort(txn)
                        throw writer.mapFull ? LogError.mapFull : error
                    }
                    let number = mdb_txn_id(txn)
                    let rc = mdb_txn_commit(txn)
                    if rc == MDB_MAP_FULL { throw LogError.mapFull }
                    try check(rc, "committing", path: path)
                    // A transaction that wrote nothing took no number: another may take it.
                    if writer.wrote { ownCommits.withLock { $0.add(number) } }
                    // Committed: later transactions need not compute these entries again.
                    tailCache.remember(tail)
                    return result
                }
            } catch LogError.mapFull where attempt < 64 {
                try environment.grow(from: seen)
            } catch LogError.mapResized where attempt < 64 {
                try environment.adoptResizedMap()
            }
        }
    }

    /// The number of the newest committed write transaction, by any process (LMDB numbers
    /// them in commit order). Read from the map: no transaction needed, and none may be open on
    /// this thread (it waits for a map that grows, as a transaction would).
    public var lastCommit: Int { environment.info().me_last_txnid }

    /// Whether every transaction committed after `commit` (a `lastCommit`) was this process's
    /// own: then whatever only other processes write (the users, for a server) is as it was.
    /// Answers false when unsure.
    public func noOtherCommits(since commit: Int) -> Bool {
        let last = lastCommit
        return last == commit || ownCommits.withLock { $0.covers(commit + 1, through: last) }
    }

    /// Grows the map ahead of a write of about `bytes` (a hint: a write that needs more still
    /// succeeds, by growing and running again).
    public func reserve(bytes: Int) throws { try environment.reserve(bytes) }

    /// The newest position and hash.
    public func head() throws -> Head { try read { try $0.head() } }

    /// Clears reader slots of crashed processes; returns how many there were.
    @discardableResult
    public func clearStaleReaders() -> Int { environment.clearStaleReaders() }

    /// The current size of the memory map in bytes.
    public var mapSize: Int { environment.mapSize }

    /// A consistent, compacted copy of the store in a new directory `destination`, taken
    /// while others read and write. A failed copy leaves nothing behind.
    public func backup(to destination: String) throws {
        let files = FileManager.default
        if files.fileExists(atPath: destination) {
            let contents = (try? files.contentsOfDirectory(atPath: destination)) ?? ["?"]
            guard contents.isEmpty else { throw LogError.io("backup destination \(destination) exists and is not empty") }
            try? files.removeItem(atPath: destination)
        }
        Self.removeStalePartialCopies(of: destination)
        let partial = destination + ".partial-\(getpid())"
        try? files.removeItem(atPath: partial)
        do {
            try files.createDirectory(atPath: partial, withIntermediateDirectories: true)
            try environment.shared { () throws in
                try check(mdb_env_copy2(environment.pointer, partial, UInt32(MDB_CP_COMPACT)), "copying to \(partial)", path: partial)
            }
            try files.moveItem(atPath: partial, toPath: destination)
        } catch {
            try? files.removeItem(atPath: partial)
            if let error = error as? LogError { throw error }
            throw LogError.io("backup to \(destination) failed: \(error.localizedDescription)")
        }
    }
}

extension EventLog {
    /// Removes `DEST.partial-PID` directories left by backups to `destination` whose process
    /// is gone (killed mid-copy: nothing else removes them). A live process's copy is left alone.
    static func removeStalePartialCopies(of destination: String) {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            // ESRCH: no such process. EPERM means it exists (another user's): keep its copy.
            if kill(pid, 0) == -1, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: parent + "/" + name)
            }
        }
    }
}

/// SHA-256(previous hash ‖ bytes): one link of the chain.
func chainHash(previous: ChainHash, bytes: UnsafeRawBufferPointer) -> ChainHash {
    var context = SHA256_CTX()
    SHA256_Init(&context)
    previous.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
    _ = SHA256_Update(&context, bytes.baseAddress, bytes.count)
    var digest = ChainHash()
    withUnsafeMutableBytes(of: &digest) { _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context) }
    return digest
}

/// The run of transaction numbers this process committed most recently: all of `first...last`
/// are its own. A number out of order (another thread's commit recorded first) starts a new
/// run, which can only make `covers` answer false.
struct OwnCommits {
    private var first = 1
    private var last = 0

    mutating func add(_ number: Int) {
        if number == last + 1 { last = number } else { (first, last) = (number, number) }
    }

    func covers(_ lower: Int, through upper: Int) -> Bool { first <= lower && upper <= last && lower <= upper }
}

/// Holds the indexer (see `EventLog.indexer`).
private struct IndexerSlot {
    var indexer: Indexer?
}

/// The SHA-256 digest of `bytes`: a fixed-size index key for text of any length (an LMDB key
/// is at most `maxKeySize` bytes).
public func sha256<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
        _ = SHA256(buffer.baseAddress, buffer.count, &digest)
    }
    if done == nil {
        let copy = Array(bytes)
        copy.withUnsafeBufferPointer { buffer in _ = SHA256(buffer.baseAddress, buffer.count, &digest) }
    }
    return digest
}
