import Foundation

/// The bytes of an import. A file is mapped, not read, so an import's memory does not grow
/// with its input: what the decoders have finished with is handed back to the kernel
/// (`release`), and a rerun after the map grew reads the file again from the page cache.
/// Standard input that is not a file (a pipe) is first copied into an unlinked temporary file.
public final class ImportInput: @unchecked Sendable {
    private let storage: Storage

    private enum Storage {
        case array([UInt8])
        /// The mapping, and where the input lies in it (a file read from an offset starts
        /// inside the first page).
        case mapped(UnsafeMutableRawPointer, length: Int, bytes: UnsafeBufferPointer<UInt8>)
    }

    /// Bytes already in memory.
    public init(_ array: [UInt8]) {
        storage = .array(array)
    }

    /// The file at `path`.
    public convenience init(contentsOf path: String) throws(ImportInputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path, errno) }
        defer { close(fd) }
        try self.init(descriptor: fd, named: path)
    }

    /// What is left to read from `fd`: mapped when it is a regular file, else copied into a
    /// temporary file first.
    public init(descriptor fd: Int32, named name: String) throws(ImportInputError) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotRead(name, errno) }
        if info.st_mode & S_IFMT == S_IFREG {
            let offset = lseek(fd, 0, SEEK_CUR)
            let start = offset > 0 ? Int(offset) : 0
            storage = try Self.map(fd, from: start, to: Int(info.st_size), named: name)
        } else {
            let spool = try Self.spool(fd, named: name)
            defer { close(spool) }
            var spooled = stat()
            guard fstat(spool, &spooled) == 0 else { throw .cannotSpool(errno) }
            storage = try Self.map(spool, from: 0, to: Int(spooled.st_size), named: name)
        }
    }

    deinit {
        if case .mapped(let address, let length, _) = storage { munmap(address, length) }
    }

    public var count: Int {
        switch storage {
        case .array(let array): array.count
        case .mapped(_, _, let bytes): bytes.count
        }
    }

    /// Lends the bytes to `body`.
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        switch storage {
        case .array(let array): try array.withUnsafeBufferPointer(body)
        case .mapped(_, _, let bytes): try body(bytes)
        }
    }

    /// Tells the kernel the bytes in `range` are not needed for now (a mapped file's pages
    /// leave this process's memory; reading them again brings them back).
    func release(_ range: Range<Int>) {
        guard case .mapped(let address, let length, let bytes) = storage, !range.isEmpty else { return }
        let skip = UnsafeRawPointer(bytes.baseAddress!) - UnsafeRawPointer(address)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let from = (skip + range.lowerBound + page - 1) / page * page
        let to = min(length, (skip + range.upperBound) / page * page)
        guard from < to else { return }
        madvise(address + from, to - from, MADV_DONTNEED)
    }

    private static func map(_ fd: Int32, from start: Int, to end: Int, named name: String) throws(ImportInputError) -> Storage {
        guard end > start else { return .array([]) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapStart = start / page * page
        let length = end - mapStart
        guard let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, off_t(mapStart)), address != MAP_FAILED else {
            throw .cannotRead(name, errno)
        }
        // Read once, front to back.
        madvise(address, length, MADV_SEQUENTIAL)
        let bytes = UnsafeBufferPointer(start: (address + (start - mapStart)).assumingMemoryBound(to: UInt8.self), count: end - start)
        return .mapped(address, length: length, bytes: bytes)
    }

    /// Copies everything left to read from `fd` into an unlinked temporary file.
    private static func spool(_ source: Int32, named name: String) throws(ImportInputError) -> Int32 {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/registry-import-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotSpool(errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                throw .cannotRead(name, code)
            }
            if n == 0 { return fd }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, n - written) }
                if w < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    close(fd)
                    throw .cannotSpool(code)
                }
                written += w
            }
        }
    }
}

/// An import's input could not be read, or standard input not be copied aside.
public enum ImportInputError: Error, CustomStringConvertible, Sendable {
    case cannotRead(String, Int32)
    case cannotSpool(Int32)

    public var description: String {
        switch self {
        case .cannotRead(let name, let code): "cannot read \(name): \(String(cString: strerror(code)))"
        case .cannotSpool(let code): "cannot copy standard input to a temporary file: \(String(cString: strerror(code)))"
        }
    }
}
