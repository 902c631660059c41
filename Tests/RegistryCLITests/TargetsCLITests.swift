import Foundation
import Registry
import TestSupport
import Testing

/// `registry report targets` (issue 17).
@Suite("registry report targets", .serialized)
struct TargetsCLITests {
    @Test func reportsTheDemoTargetsAndRefusesABadUnit() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let registry = RegistryBinary(store: dir.sub("store"))
        #expect(try registry.run(["demo", "--no-serve"]).status == 0)
        let table = try registry.run(["report", "targets", "--period", "2013"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("Mål och utfall, 2013"))
        #expect(table.stdout.contains("Minst 20 000 elever på teman"))
        #expect(table.stdout.contains("Aktivt lansera jobbväxlingsfunktionen i AdCore"))
        let mc = try registry.run(["report", "targets", "--period", "2013", "--unit", "mc", "--format", "json"])
        #expect(mc.status == 0, "\(mc.stderr)")
        #expect(mc.stdout.contains(#""key":"mc-peup""#) && !mc.stdout.contains(#""key":"navet-elever""#))
        let bad = try registry.run(["report", "targets", "--period", "2013", "--unit", "skola"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--unit"))
        #expect(try registry.run(["report", "navet", "--period", "2013", "--unit", "mc"]).status == 2)
        #expect(try registry.run(["verify"]).status == 0)
    }
}
