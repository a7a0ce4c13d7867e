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

    /// The position of the case in the declaration, for tables indexed by class. A case without
    /// associated values is stored as exactly that number.
    @inline(__always) var ordinal: Int {
        Int(unsafeBitCast(self, to: UInt8.self))
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
