// highlight-tool: the Swift side of Benchmarks/highlight/compare.py.
//
//   highlight-tool categories LANGUAGE FILE...   one line per file: a category letter per
//                                                Unicode scalar (k, s, n, c, o = other)
//   highlight-tool bench LANGUAGE SECONDS FILE... renders every file to HTML repeatedly for about
//                                                SECONDS and prints bytes and seconds
import Foundation
import Highlight

let arguments = CommandLine.arguments
guard arguments.count >= 3, let language = Language.named(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: highlight-tool categories|bench LANGUAGE [SECONDS] FILE...\n".utf8))
    exit(2)
}

func read(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    return String(decoding: data, as: UTF8.self)
}

switch arguments[1] {
case "categories":
    var output = ""
    for path in arguments.dropFirst(3) {
        let code = read(path)
        let bytes = Array(code.utf8)
        var letters = [UInt8]()
        letters.reserveCapacity(bytes.count)
        for token in language.tokens(code) {
            let letter: UInt8 = switch token.kind.category {
            case .keyword: UInt8(ascii: "k")
            case .string: UInt8(ascii: "s")
            case .number: UInt8(ascii: "n")
            case .comment: UInt8(ascii: "c")
            case .other: UInt8(ascii: "o")
            }
            // One letter per scalar: count only the bytes that start a UTF-8 sequence.
            for index in token.start..<token.end where bytes[index] & 0xC0 != 0x80 {
                letters.append(letter)
            }
        }
        output += String(decoding: letters, as: UTF8.self) + "\n"
    }
    FileHandle.standardOutput.write(Data(output.utf8))
case "bench":
    let seconds = Double(arguments[3]) ?? 1
    let codes = arguments.dropFirst(4).map(read)
    let total = codes.reduce(0) { $0 + $1.utf8.count }
    var bytes = 0
    var checksum = 0
    let start = Date()
    repeat {
        for code in codes {
            checksum &+= Highlighter.renderBlock(code: code, info: language.name).utf8.count
        }
        bytes += total
    } while Date().timeIntervalSince(start) < seconds
    let elapsed = Date().timeIntervalSince(start)
    print("\(bytes) \(elapsed) \(checksum)")
default:
    exit(2)
}
