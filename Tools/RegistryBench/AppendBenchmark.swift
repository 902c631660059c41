import CLMDB
import EventLog
import Foundation
import Registry

/// One durable append of one event, against one bare LMDB commit of the same bytes.
struct AppendBenchmark {
    let directory: String
    let rounds: Int

    func run() throws {
        let store = try Store(path: directory + "/append", seedMembership: false)
        let event = try Event.decode(json: #"{"type":"navet.visit","occurred":"2013-09-12","municipality":"Borås","school":"Sandgärdskolan","theme":"Draken Berta","pupils":24,"teachers":2}"#, today: .today())
        let bytes = event.canonical(seq: 1, recorded: 0)

        let bare = try BareLMDB(directory: directory + "/bare", trees: 1)
        let threeTrees = try BareLMDB(directory: directory + "/three", trees: 3)
        var random = SeededRandom(seed: 1)
        var bareTimes: [Double] = [], treeTimes: [Double] = [], registry: [Double] = []
        for round in 0..<rounds {
            // Interleaved, so that all three see the same disk conditions.
            bareTimes.append(seconds { bare.commit(position: round + 1, bytes: bytes, random: &random) })
            treeTimes.append(seconds { threeTrees.commit(position: round + 1, bytes: bytes, random: &random) })
            var fresh = event
            fresh.id = nil
            registry.append(try seconds { _ = try store.append([fresh]) })
        }
        let ratio = median(registry) / median(bareTimes)
        print("append: one durable event, median of \(rounds): registry \(format(median(registry))) (p99 \(format(percentile(registry, 0.99)))), bare LMDB commit \(format(median(bareTimes))) (p99 \(format(percentile(bareTimes, 0.99)))); ratio \(String(format: "%.2f", ratio))× (target ≤ 1.2×)")
        print("        bare LMDB commit of the same bytes into three B-trees as the registry writes (log, id, day): \(format(median(treeTimes))) = \(String(format: "%.2f", median(treeTimes) / median(bareTimes)))× the one-tree commit")
    }
}

/// A bare LMDB environment: one commit puts the event bytes at the end of the unnamed
/// database, or (three trees) also a random 16-byte id and a 44-byte day record into two
/// named databases, as the registry's log, id index and day index do.
final class BareLMDB {
    private var env: OpaquePointer?
    private var dbis: [MDB_dbi] = []

    init(directory: String, trees: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        mdb_env_create(&env)
        mdb_env_set_maxdbs(env, 4)
        mdb_env_set_mapsize(env, 256 << 20)
        guard mdb_env_open(env, directory, UInt32(MDB_NOTLS), 0o644) == 0 else { throw BenchError("cannot open \(directory)") }
        var txn: OpaquePointer?
        mdb_txn_begin(env, nil, 0, &txn)
        var dbi = MDB_dbi()
        if trees == 1 {
            mdb_dbi_open(txn, nil, 0, &dbi)
            dbis = [dbi]
        } else {
            for (name, flags) in [("log", 0), ("ids", 0), ("day", MDB_DUPSORT | MDB_DUPFIXED)] {
                mdb_dbi_open(txn, name, UInt32(MDB_CREATE | flags), &dbi)
                dbis.append(dbi)
            }
        }
        mdb_txn_commit(txn)
    }

    deinit { mdb_env_close(env) }

    func commit(position: Int, bytes: [UInt8], random: inout SeededRandom) {
        var txn: OpaquePointer?
        mdb_txn_begin(env, nil, 0, &txn)
        var key = UInt64(position).bigEndian
        var id = (random.next(), random.next())
        var day = UInt32(15_960).bigEndian
        var record = [UInt8](repeating: 0, count: 44)
        withUnsafeMutableBytes(of: &key) { k in
            var keyVal = MDB_val(mv_size: 8, mv_data: k.baseAddress)
            bytes.withUnsafeBytes { v in
                var value = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                mdb_put(txn, dbis[0], &keyVal, &value, UInt32(MDB_APPEND))
            }
            guard dbis.count == 3 else { return }
            withUnsafeMutableBytes(of: &id) { i in
                var idVal = MDB_val(mv_size: 16, mv_data: i.baseAddress)
                mdb_put(txn, dbis[1], &idVal, &keyVal, 0)
            }
            withUnsafeMutableBytes(of: &day) { d in
                record.withUnsafeMutableBytes { r in
                    r.copyMemory(from: UnsafeRawBufferPointer(k))
                    var dayVal = MDB_val(mv_size: 4, mv_data: d.baseAddress)
                    var recordVal = MDB_val(mv_size: 44, mv_data: r.baseAddress)
                    mdb_put(txn, dbis[2], &dayVal, &recordVal, UInt32(MDB_APPENDDUP))
                }
            }
        }
        mdb_txn_commit(txn)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
