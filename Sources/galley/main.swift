import GalleyCLI
import NIOCore
import NIOPosix

// Run Swift Concurrency's tasks on NIO's event loop threads, which the server uses anyway: a
// request's handler then runs where its socket is served, without a hop between two thread pools
// (measured: see BENCHMARKS.md). Must happen before the first task starts.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

await GalleyCommand.runFromCommandLine()
