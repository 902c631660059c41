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
        let needed = (info.me_last_pgno + 1) * Int(stat.ms_psize)
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

    /// Adopts a map size another process chose (after `MDB_MAP_RESIZED`).
    func adoptResizedMap() throws {
        pthread_rwlock_wrlock(&gate)
        defer { pthread_rwlock_unlock(&gate) }
        try check(mdb_env_set_mapsize(pointer, 0), "adopting the resized map", path: path)
        var info = MDB_envinfo()
        mdb_env_info(pointer, &info)
        mapSize = info.me_mapsize
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

extension LogError {
    /// Internal signal: another process grew the map; adopt it and retry.
    static let mapResized = LogError.lmdb(code: MDB_MAP_RESIZED, operation: "begin")
    /// Internal signal: the map is full; grow it and retry.
    static let mapFull = LogError.lmdb(code: MDB_MAP_FULL, operation: "write")
}
