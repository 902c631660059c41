import CLMDB
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

        var env: OpaquePointer?
        mdb_env_create(&env)
        mdb_env_set_mapsize(env, 64 << 20)
        try FileManager.default.createDirectory(atPath: directory + "/bare", withIntermediateDirectories: true)
        mdb_env_open(env, directory + "/bare", UInt32(MDB_NOTLS), 0o644)
        defer { mdb_env_close(env) }
        var dbi = MDB_dbi()
        var txn: OpaquePointer?
        mdb_txn_begin(env, nil, 0, &txn)
        mdb_dbi_open(txn, nil, 0, &dbi)
        mdb_txn_commit(txn)

        var bare: [Double] = [], registry: [Double] = []
        for round in 0..<rounds {
            // Interleave so that both see the same disk conditions.
            bare.append(seconds {
                var key = UInt64(round + 1).bigEndian
                var t: OpaquePointer?
                mdb_txn_begin(env, nil, 0, &t)
                withUnsafeMutableBytes(of: &key) { k in
                    bytes.withUnsafeBytes { v in
                        var kv = MDB_val(mv_size: 8, mv_data: k.baseAddress)
                        var vv = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
                        _ = mdb_put(t, dbi, &kv, &vv, UInt32(MDB_APPEND))
                    }
                }
                mdb_txn_commit(t)
            })
            var fresh = event
            fresh.id = nil
            registry.append(try seconds { _ = try store.append([fresh]) })
        }
        let ratio = median(registry) / median(bare)
        print("append: one durable event, median of \(rounds): registry \(format(median(registry))) (p99 \(format(percentile(registry, 0.99)))), bare LMDB commit \(format(median(bare))) (p99 \(format(percentile(bare, 0.99)))); ratio \(String(format: "%.2f", ratio))× (target ≤ 1.2×)")
    }
}
