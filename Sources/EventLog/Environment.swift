import CLMDB
import Foundation

/// One LMDB environment (a store directory) and its named databases.
///
/// The map grows on demand. Growing needs no transaction open in this process, so every
/// transaction holds `gate` shared and a resize holds it exclusively.
final class Environment: @unchecked Sendable {
    let path: String
    let pointer: OpaquePointer
    private var gate = pthread_rwlock_t()
    private(set) var mapSize: Int
    /// LMDB's page size, fixed when the store was made.
    let pageSize: Int
    /// The longest key LMDB takes, and the longest value under a key of many values (511
    /// bytes in Debian's build): a longer one fails the put with `MDB_BAD_VALSIZE`.
    let maxKeySize: Int
    /// Where the map of the data file starts (LMDB does not say; read from the process's
    /// mappings), or nil where that cannot be told. Changes only with `mapSize`.
    private(set) var mapStart: UInt?

    init(path: String, mapSize: Int, maxReaders: UInt32, maxDatabases: UInt32) throws {
        self.path = path
        var env: OpaquePointer?
        try check(mdb_env_create(&env), "mdb_env_create", path: path)
        guard let env else { throw LogError.lmdb(code: -1, operation: "mdb_env_create") }
        do {
            try check(mdb_env_set_maxdbs(env, maxDatabases), "mdb_env_set_maxdbs", path: path)
            try check(mdb_env_set_maxreaders(env, maxReaders), "mdb_env_set_maxreaders", path: path)
            try check(mdb_env_set_mapsize(env, mapSize), "mdb_env_set_mapsize", path: path)
            let flags = UInt32(MDB_NOTLS)
            let rc = mdb_env_open(env, path, flags, 0o644)
            if rc == EAGAIN || rc == EBUSY { throw LogError.locked(path: path) }
            if rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED {
                throw LogError.corrupted("\(path) is not a readable LMDB store")
            }
            try check(rc, "opening \(path)", path: path)
            try Self.checkFileSize(env, path: path)
            var dead: Int32 = 0
            mdb_reader_check(env, &dead)
        } catch {
            mdb_env_close(env)
            throw error
        }
        self.pointer = env
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        self.mapSize = max(mapSize, info.me_mapsize)
        var stat = MDB_stat()
        mdb_env_stat(env, &stat)
        pageSize = Int(stat.ms_psize)
        maxKeySize = Int(mdb_env_get_maxkeysize(env))
        mapStart = Self.mapStart(path: path, size: info.me_mapsize)
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if os(Linux)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        pthread_rwlock_init(&gate, &attributes)
        pthread_rwlockattr_destroy(&attributes)
    }

    /// Refuses a data file shorter than the pages its last commit uses (a truncated copy, a
    /// disk that lost its tail): LMDB would map the missing pages and the first read of one
    /// would end the process with SIGBUS.
    private static func checkFileSize(_ env: OpaquePointer, path: String) throws {
        var info = MDB_envinfo()
        var stat = MDB_stat()
        guard mdb_env_info(env, &info) == 0, mdb_env_stat(env, &stat) == 0 else { return }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb"))?[.size] as? Int else { return }
        // A damaged meta page may claim any page number: no overflow may trap here.
        let (needed, overflow) = (info.me_last_pgno &+ 1).multipliedReportingOverflow(by: Int(stat.ms_psize))
        if overflow || info.me_last_pgno < 1 {
            throw LogError.corrupted("\(path)/data.mdb: its meta page claims \(info.me_last_pgno) as the last page")
        }
        if size < needed {
            throw LogError.corrupted("\(path)/data.mdb is \(size) bytes, but its last commit uses \(needed): the file was cut short")
        }
    }

    deinit {
        mdb_env_close(pointer)
        pthread_rwlock_destroy(&gate)
    }

    /// Runs `body` with the gate held shared: transactions may be open.
    func shared<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(&gate)
        defer { pthread_rwlock_unlock(&gate) }
        return try body()
    }

    /// Doubles the map unless another thread already grew it past `seenSize`.
    func grow(from seenSize: Int) throws {
        pthread_rwlock_wrlock(&gate)
        defer { pthread_rwlock_unlock(&gate) }
        guard mapSize <= seenSize else { return }
        let newSize = mapSize * 2
        try check(mdb_env_set_mapsize(pointer, newSize), "growing the map to \(newSize) bytes", path: path)
        mapSize = newSize
        mapStart = Self.mapStart(path: path, size: newSize)
    }

    /// Grows the map (by doublings) until `bytes` more fit beside what is used, so that a
    /// large write does not fill the map and run again from the start.
    func reserve(_ bytes: Int) throws {
        let used = (info().me_last_pgno + 1) * pageSize
        var size = mapSize
        while size < used + bytes { size *= 2 }
        if size > mapSize { try grow(to: size) }
    }

    private func grow(to newSize: Int) throws {
        pthread_rwlock_wrlock(&gate)
        defer { pthread_rwlock_unlock(&gate) }
        guard newSize > mapSize else { return }
        try check(mdb_env_set_mapsize(pointer, newSize), "growing the map to \(newSize) bytes", path: path)
        mapSize = newSize
        mapStart = Self.mapStart(path: path, size: newSize)
    }

    /// The environment's info. LMDB reads it from the meta pages in the map, so the gate is
    /// held: a map that grows meanwhile moves them.
    func info() -> MDB_envinfo {
        shared {
            var info = MDB_envinfo()
            mdb_env_info(pointer, &info)
            return info
        }
    }

    /// Where the map starts, where the pages of the newest commit end in it (the file holds
    /// them all: see `checkFileSize`), and where the map ends; nil when the map's address is
    /// unknown. Call with the gate held.
    func mappedFile() -> MappedFile? {
        guard let start = mapStart else { return nil }
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        let used = (UInt(clamping: info.me_last_pgno) &+ 1).multipliedReportingOverflow(by: UInt(pageSize))
        return MappedFile(start: start, usedEnd: start &+ (used.overflow ? 0 : used.partialValue), end: start &+ UInt(mapSize))
    }

    /// The start of the one mapping of `path`'s data file that is `size` bytes long, from
    /// /proc/self/maps (Linux); nil when there is none or more than one.
    private static func mapStart(path: String, size: Int) -> UInt? {
        guard let inode = (try? FileManager.default.attributesOfItem(atPath: path + "/data.mdb"))?[.systemFileNumber] as? Int,
              let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        var found: [UInt] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, Int(fields[4]) == inode, fields[5].hasSuffix("/data.mdb") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end - start == UInt(size) else { continue }
            found.append(start)
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Adopts a map size another process chose (after `MDB_MAP_RESIZED`).
    func adoptResizedMap() throws {
        pthread_rwlock_wrlock(&gate)
        defer { pthread_rwlock_unlock(&gate) }
        try check(mdb_env_set_mapsize(pointer, 0), "adopting the resized map", path: path)
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        mapSize = info.me_mapsize
        mapStart = Self.mapStart(path: path, size: mapSize)
    }

    /// Clears reader slots left by crashed processes; returns how many were cleared.
    @discardableResult
    func clearStaleReaders() -> Int {
        var dead: Int32 = 0
        mdb_reader_check(pointer, &dead)
        return Int(dead)
    }

    /// Begins a transaction, adopting another process's map growth when LMDB asks for it.
    func begin(readOnly: Bool, parent: OpaquePointer? = nil) throws -> OpaquePointer {
        var txn: OpaquePointer?
        let rc = mdb_txn_begin(pointer, parent, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
        if rc == MDB_READERS_FULL, clearStaleReaders() > 0 {
            return try begin(readOnly: readOnly, parent: parent)
        }
        if rc == MDB_MAP_RESIZED { throw LogError.mapResized }
        try check(rc, readOnly ? "beginning a read transaction" : "beginning a write transaction", path: path)
        return txn!
    }
}

/// The addresses of the memory map, for checking that what LMDB hands out lies in the file.
struct MappedFile {
    let start: UInt
    let usedEnd: UInt
    let end: UInt

    /// Refuses a value that lies in the map but past the pages of the newest commit: LMDB
    /// followed a damaged page number or size there, and reading it would end in SIGBUS.
    func check(_ value: UnsafeRawBufferPointer) throws {
        guard let base = value.baseAddress else { return }
        let address = UInt(bitPattern: base)
        guard address >= start, address < end else { return }
        guard address < usedEnd, value.count <= usedEnd - address else {
            throw LogError.corrupted("store damaged: a value of \(value.count) bytes lies past the end of the data file")
        }
    }

    /// Hands the map's pages back to the kernel: a scan of the whole log (verify, export)
    /// would otherwise keep every page it read resident, as much as the store is large. The
    /// map is a read-only shared mapping of the file (no `MDB_WRITEMAP`), so a page read again
    /// comes back from the page cache unchanged.
    func releasePages() {
        guard let base = UnsafeMutableRawPointer(bitPattern: start), end > start else { return }
        madvise(base, Int(end - start), MADV_DONTNEED)
    }
}

extension LogError {
    /// Internal signal: another process grew the map; adopt it and retry.
    static let mapResized = LogError.lmdb(code: MDB_MAP_RESIZED, operation: "begin")
    /// Internal signal: the map is full; grow it and retry.
    static let mapFull = LogError.lmdb(code: MDB_MAP_FULL, operation: "write")
}
