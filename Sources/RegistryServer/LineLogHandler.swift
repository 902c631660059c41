import Foundation
import EventLog
import Logging

/// Writes one line per message to standard output, as swift-log's `StreamLogHandler` does,
/// but formats the metadata only when a line is written. Hummingbird gives every request's
/// logger its own request id, and the stream handler formats all metadata again on each such
/// change: for a small request that cost more than appending the event.
struct LineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// Writes to standard output, or to `write` (tests).
    init(label: String, write: @escaping @Sendable (String) -> Void = Self.standardOutput) {
        self.label = label
        self.write = write
    }

    /// One write per line: lines from several threads do not interleave. A line that cannot
    /// be written (a full disk, `> /dev/full`, a closed pipe) is dropped and counted: a server
    /// that cannot log keeps serving. (`FileHandle.write` traps on such an error.)
    static func standardOutput(_ line: String) {
        if !write(line, to: STDOUT_FILENO) { dropped.withLock { $0 += 1 } }
    }

    /// Lines `standardOutput` could not write.
    static let dropped = Locked(0)

    /// Writes all of `line` to `descriptor`; false when it could not.
    static func write(_ line: String, to descriptor: Int32) -> Bool {
        var line = line
        return line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return true }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        let fields = all.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let error = event.error.map { " error=\($0)" } ?? ""
        let text = "\(Date().formatted(.iso8601)) \(event.level) \(label):\(fields)\(error) \(event.message)\n"
        write(text)
    }
}
