import EventLog
import Foundation
import Logging
import Registry
import Testing
@testable import RegistryServer

@Suite("Log lines")
struct LineLogHandlerTests {
    @Test func writesLevelLabelSortedMetadataAndMessage() {
        let lines = Locked<[String]>([])
        var logger = Logger(label: "registry.test") { LineLogHandler(label: $0) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "b"] = "2"
        logger[metadataKey: "a"] = "1"
        logger.info("appended", metadata: ["c": "3"])
        logger.debug("not at info level")
        logger[metadataKey: "a"] = nil
        logger.error("failed")
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(written[0].hasSuffix(" info registry.test: a=1 b=2 c=3 appended\n"))
        #expect(written[1].hasSuffix(" error registry.test: b=2 failed\n"))
    }
}

@Suite("Log lines that cannot be written")
struct UnwritableLogTests {
    /// `registry serve > /dev/full` died with SIGILL at its first log line; now a line that
    /// cannot be written is dropped and the next one is tried again.
    @Test func aLineToAFullDeviceIsDroppedNotACrash() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        let descriptor = full.fileDescriptor
        let results = Locked<[Bool]>([])
        let logger = Logger(label: "registry.test") { LineLogHandler(label: $0) { line in
            let written = LineLogHandler.write(line, to: descriptor)
            results.withLock { $0.append(written) }
        } }
        logger.info("first")
        logger.error("second")
        #expect(results.withLock { $0 } == [false, false])
        // The same function writes whole lines where there is room.
        let pipe = Pipe()
        #expect(LineLogHandler.write("a line\n", to: pipe.fileHandleForWriting.fileDescriptor))
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "a line\n")
    }
}
