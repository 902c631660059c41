import Foundation
import TestSupport
import Testing
@testable import Registry

/// An import's memory is bounded by its chunks, not by its input (issue 14.10).
@Suite("Import memory")
struct ImportMemoryTests {
    static func lines(_ count: Int) -> [UInt8] {
        Array((1...count).map { i in
            #"{"type":"navet.visit","occurred":"2013-09-\#(String(format: "%02d", i % 28 + 1))","municipality":"1490","pupils":\#(i % 30 + 1),"teachers":1}"#
        }.joined(separator: "\n").utf8)
    }

    @Test func decodersStayAFewChunksAheadOfASlowConsumer() throws {
        let input = ImportInput(Self.lines(60_000)) // about 60 chunks of 128 bytes a line
        let pipeline = DecodingPipeline(input, today: .today()) { _ in DecodedCount() }
        defer { pipeline.cancel() }
        #expect(pipeline.chunkCount > 10)
        for chunk in 0..<pipeline.chunkCount {
            _ = try pipeline.take(chunk)
            // Appending the first chunk takes long: unbounded decoders would run far ahead.
            if chunk == 0 { Thread.sleep(forTimeInterval: 1) }
        }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        #expect(pipeline.mostAhead <= 2 * workers + 2, "decoded \(pipeline.mostAhead) chunks ahead")
    }

    @Test func aFileAndAPipeImportLikeBytesInMemory() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let data = Self.lines(10_000)
        let file = dir.path + "/visits.jsonl"
        FileManager.default.createFile(atPath: file, contents: Data(data))
        let fromFile = try Store(path: dir.path + "/a").importEvents(ImportInput(contentsOf: file))
        #expect(fromFile == ImportResult(appended: 10_000, existing: 0))

        // A pipe is copied aside first; a reader from an offset sees only what is left.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writer = Thread {
            data.withUnsafeBytes { bytes in
                var at = 0
                while at < bytes.count { at += max(0, write(writeEnd, bytes.baseAddress! + at, bytes.count - at)) }
            }
            close(writeEnd)
        }
        writer.start()
        let piped = try ImportInput(descriptor: fds[0], named: "standard input")
        close(fds[0])
        #expect(piped.count == data.count)
        let store = try Store(path: dir.path + "/b")
        #expect(try store.importEvents(piped) == ImportResult(appended: 10_000, existing: 0))
        #expect(try store.verify().position == store.head().position)
    }

    @Test func aMissingFileIsNamed() {
        #expect { try ImportInput(contentsOf: "/nonexistent/visits.jsonl") } throws: { error in
            "\(error)".contains("/nonexistent/visits.jsonl") && "\(error)".contains("No such file")
        }
    }
}
