import FuzzHarness

/// libFuzzer's entry point for the `sanitize` target (see scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzHarness.targets["sanitize"]!(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
