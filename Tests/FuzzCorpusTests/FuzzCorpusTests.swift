import Foundation
import FuzzHarness
import Testing

/// Every fuzz target's checks over its committed corpus (`Fuzz/corpus/<target>/`): the seeds and
/// every input a fuzzing run found worth keeping. libFuzzer itself runs in `scripts/fuzz.sh`.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/corpus").standardized

    @Test(arguments: FuzzHarness.targets.keys.sorted())
    func everyInputOfTheCorpusPasses(target: String) throws {
        let folder = Self.corpus.appendingPathComponent(target)
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count >= 3, "\(target) has a seed corpus")
        let check = try #require(FuzzHarness.targets[target])
        for file in files {
            let bytes = try Data(contentsOf: file)
            bytes.withUnsafeBytes { check($0) }
        }
    }

    /// The raw-head target's differential does reach SwiftNIO: a head both read alike passes,
    /// and the parts SwiftNIO reads for it are the ones compared.
    @Test func theDifferentialSeesTheSameRequestAsSwiftNIO() {
        let request = Array("GET /a?b=c HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n".utf8)
        request.withUnsafeBytes { FuzzHarness.rawHead($0) }
    }
}
