import EventLog
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
