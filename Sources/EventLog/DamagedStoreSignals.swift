import CLMDB
import Foundation

/// LMDB trusts its file: a flipped page number or node size in a damaged store makes it read
/// outside the file, and the process ends with SIGSEGV or SIGBUS inside liblmdb before any
/// error can be returned. The log checks what it can (the file's size on open, every value
/// it reads); for the rest, a command-line process installs this handler, which turns a fault
/// raised inside liblmdb into exit 3 and a message, as for any other unusable store. A fault
/// anywhere else is left to the handler installed before (Swift's backtracer).
public enum DamagedStoreSignals {
    /// Installs the handler for SIGSEGV and SIGBUS; call once, early.
    public static func install() {
        #if os(Linux)
        let function: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UInt32, mdb_mode_t) -> Int32 = mdb_env_open
        guard let base = registry_object_base(unsafeBitCast(function, to: UnsafeRawPointer.self)) else { return }
        lmdbBase = UInt(bitPattern: base)
        for signal in [SIGSEGV, SIGBUS] {
            var action = sigaction()
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            action.__sigaction_handler.sa_sigaction = handle
            var previous = sigaction()
            sigaction(signal, &action, &previous)
            if signal == SIGSEGV { previousSEGV = previous } else { previousBUS = previous }
        }
        #endif
    }

    nonisolated(unsafe) private static var lmdbBase: UInt = 0
    nonisolated(unsafe) private static var previousSEGV = sigaction()
    nonisolated(unsafe) private static var previousBUS = sigaction()
    private static let message = Array("registry: store unusable: store is corrupt: store damaged (LMDB followed a damaged page out of the file); restore the store from a backup\n".utf8)

    private static let handle: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { signal, _, context in
        #if os(Linux)
        if let context, let pc = UnsafeRawPointer(bitPattern: UInt(registry_program_counter(context))),
           UInt(bitPattern: registry_object_base(pc)) == lmdbBase {
            message.withUnsafeBytes { _ = Foundation.write(2, $0.baseAddress, $0.count) }
            _exit(3)
        }
        #endif
        // Not LMDB's: put the earlier handler back; returning runs the faulting instruction again.
        var previous = signal == SIGSEGV ? previousSEGV : previousBUS
        sigaction(signal, &previous, nil)
    }
}
