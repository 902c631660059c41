import Foundation

/// `registry-bench`: measurements run by hand (never timed assertions in tests). Build in
/// release: `swift run -c release registry-bench <append|log|generate|decode|import|report|all> [options]`.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: Int) -> Int {
    guard let i = arguments.firstIndex(of: "--" + name), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return value }
    return n
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("registry-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

do {
    switch arguments.first ?? "all" {
    case "append":
        try AppendBenchmark(directory: scratch, rounds: option("rounds", default: 500)).run()
    case "log":
        try LogBenchmark(directory: scratch, events: option("events", default: 1_000_000)).run()
    case "generate":
        // The import benchmark's lines, for measuring `registry import` end to end.
        FileHandle.standardOutput.write(Data(Synthetic.lines2013(option("events", default: 1_000_000))))
    case "decode":
        try DecodeBenchmark(events: option("events", default: 200_000)).run()
    case "import":
        try ImportBenchmark(directory: scratch, events: option("events", default: 1_000_000)).run()
    case "report":
        try ReportBenchmark(directory: scratch, events: option("events", default: 10_000_000), years: option("years", default: 10)).run()
    case "all":
        try AppendBenchmark(directory: scratch, rounds: 500).run()
        try ImportBenchmark(directory: scratch, events: 1_000_000).run()
        try ReportBenchmark(directory: scratch, events: 10_000_000, years: 10).run()
    default:
        print("usage: registry-bench append [--rounds N] | log [--events N] | generate [--events N] > FILE | decode [--events N] | import [--events N] | report [--events N --years Y] | all")
        exit(2)
    }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}

/// Wall-clock seconds of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func format(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
