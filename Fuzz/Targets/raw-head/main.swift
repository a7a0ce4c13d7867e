import FuzzHarness

/// libFuzzer's entry point for the `raw-head` target (see scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzHarness.targets["raw-head"]!(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
