/// What a piece of code is, named by Pygments' short CSS class names, so that any Pygments,
/// Rouge or Chroma theme styles Galley's code unchanged.
public enum TokenClass: String, Sendable, CaseIterable {
    case text = ""
    case keyword = "k"
    case keywordConstant = "kc"
    case keywordDeclaration = "kd"
    case keywordNamespace = "kn"
    case keywordPseudo = "kp"
    case keywordType = "kt"
    case name = "n"
    case nameAttribute = "na"
    case nameBuiltin = "nb"
    case nameBuiltinPseudo = "bp"
    case nameClass = "nc"
    case nameConstant = "no"
    case nameDecorator = "nd"
    case nameEntity = "ni"
    case nameException = "ne"
    case nameFunction = "nf"
    case nameLabel = "nl"
    case nameNamespace = "nn"
    case nameTag = "nt"
    case nameVariable = "nv"
    case string = "s"
    case stringAffix = "sa"
    case stringBacktick = "sb"
    case stringChar = "sc"
    case stringDoc = "sd"
    case stringDouble = "s2"
    case stringEscape = "se"
    case stringHeredoc = "sh"
    case stringInterpol = "si"
    case stringOther = "sx"
    case stringRegex = "sr"
    case stringSingle = "s1"
    case stringSymbol = "ss"
    case number = "m"
    case numberFloat = "mf"
    case numberHex = "mh"
    case numberInteger = "mi"
    case numberOct = "mo"
    case numberBin = "mb"
    case comment = "c"
    case commentHashbang = "ch"
    case commentMultiline = "cm"
    case commentPreproc = "cp"
    case commentSingle = "c1"
    case commentSpecial = "cs"
    case `operator` = "o"
    case operatorWord = "ow"
    case punctuation = "p"
    case genericDeleted = "gd"
    case genericEmph = "ge"
    case genericHeading = "gh"
    case genericInserted = "gi"
    case genericOutput = "go"
    case genericPrompt = "gp"
    case genericStrong = "gs"
    case genericSubheading = "gu"
    case literal = "l"

    /// The position of the case in the declaration, for tables indexed by class: a jump table,
    /// as fast as reading the enum's storage and not tied to its layout (a test holds it to
    /// `allCases`' order).
    @inline(__always) var ordinal: Int {
        switch self {
        case .text: 0
        case .keyword: 1
        case .keywordConstant: 2
        case .keywordDeclaration: 3
        case .keywordNamespace: 4
        case .keywordPseudo: 5
        case .keywordType: 6
        case .name: 7
        case .nameAttribute: 8
        case .nameBuiltin: 9
        case .nameBuiltinPseudo: 10
        case .nameClass: 11
        case .nameConstant: 12
        case .nameDecorator: 13
        case .nameEntity: 14
        case .nameException: 15
        case .nameFunction: 16
        case .nameLabel: 17
        case .nameNamespace: 18
        case .nameTag: 19
        case .nameVariable: 20
        case .string: 21
        case .stringAffix: 22
        case .stringBacktick: 23
        case .stringChar: 24
        case .stringDoc: 25
        case .stringDouble: 26
        case .stringEscape: 27
        case .stringHeredoc: 28
        case .stringInterpol: 29
        case .stringOther: 30
        case .stringRegex: 31
        case .stringSingle: 32
        case .stringSymbol: 33
        case .number: 34
        case .numberFloat: 35
        case .numberHex: 36
        case .numberInteger: 37
        case .numberOct: 38
        case .numberBin: 39
        case .comment: 40
        case .commentHashbang: 41
        case .commentMultiline: 42
        case .commentPreproc: 43
        case .commentSingle: 44
        case .commentSpecial: 45
        case .`operator`: 46
        case .operatorWord: 47
        case .punctuation: 48
        case .genericDeleted: 49
        case .genericEmph: 50
        case .genericHeading: 51
        case .genericInserted: 52
        case .genericOutput: 53
        case .genericPrompt: 54
        case .genericStrong: 55
        case .genericSubheading: 56
        case .literal: 57
        }
    }

    /// The broad family a class belongs to, as Pygments' token hierarchy groups them.
    public var category: Category {
        switch self {
        case .keyword, .keywordConstant, .keywordDeclaration, .keywordNamespace, .keywordPseudo, .keywordType:
            .keyword
        case .string, .stringAffix, .stringBacktick, .stringChar, .stringDoc, .stringDouble, .stringEscape,
             .stringHeredoc, .stringInterpol, .stringOther, .stringRegex, .stringSingle, .stringSymbol:
            .string
        case .number, .numberFloat, .numberHex, .numberInteger, .numberOct, .numberBin:
            .number
        case .comment, .commentHashbang, .commentMultiline, .commentPreproc, .commentSingle, .commentSpecial:
            .comment
        default:
            .other
        }
    }

    public enum Category: String, Sendable {
        case keyword, string, number, comment, other
    }
}

/// A run of bytes of the source and its class.
public struct Token: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var kind: TokenClass

    public init(start: Int, end: Int, kind: TokenClass) {
        self.start = start
        self.end = end
        self.kind = kind
    }
}
