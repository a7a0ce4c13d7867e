import GalleyCLI

await GalleyCommand.runFromCommandLine()
