typealias Rule = LanguageDefinition.StringRule

/// Definitions of the code-shaped languages.
extension LanguageDefinition {
    static let cFamilyComments: (line: [[UInt8]], block: [(open: [UInt8], close: [UInt8])]) = (
        [Array("//".utf8)], [(Array("/*".utf8), Array("*/".utf8))]
    )

    static var c: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.strings = [Rule("\"", prefixes: ["u8", "L", "u", "U"])]
        d.characterLiterals = true
        d.preprocessor = true
        d.words = words(.keyword, """
            auto break case const continue default do else enum extern for goto if inline register restrict
            return sizeof static struct switch typedef union volatile while _Alignas _Alignof _Atomic
            _Generic _Noreturn _Static_assert _Thread_local asm __asm__ __attribute__ __inline __restrict
            __volatile__ __extension__ typeof __typeof__ alignas alignof static_assert thread_local
            """) + words(.keywordType, """
            char double float int long short signed unsigned void _Bool _Complex _Imaginary bool size_t
            ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t
            uint64_t wchar_t
            """) + words(.keywordConstant, "true false") + words(.nameBuiltin, "NULL")
        d.classIntroducers = ["struct", "union", "enum"]
        return d
    }

    static var cpp: LanguageDefinition {
        var d = c
        d.strings = [Rule("R\"(", ")\"", multiline: true), Rule("\"", prefixes: ["u8", "L", "u", "U"])]
        d.words = words(.keyword, """
            class namespace template typename public private protected virtual override final new delete
            operator friend using try catch throw noexcept constexpr consteval constinit decltype explicit
            mutable static_cast dynamic_cast reinterpret_cast const_cast concept requires co_await co_yield
            co_return export import module typeid this and or not xor bitand bitor compl and_eq or_eq
            xor_eq not_eq
            """) + words(.keywordType, "wchar_t char8_t char16_t char32_t") + words(.keywordConstant, "nullptr") + d.words
        d.classIntroducers = ["class", "struct", "union", "enum", "namespace"]
        return d
    }

    static var csharp: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.preprocessor = true
        d.characterLiterals = true
        d.lineStartAttributes = true
        d.strings = [
            Rule("\"\"\"", multiline: true, prefixes: ["$$", "$"]),
            Rule("\"", escapes: false, multiline: true, prefixes: ["$@", "@$", "@"], doubledQuotes: true),
            Rule("\"", prefixes: ["$"]),
        ]
        d.words = words(.keyword, """
            abstract as base break case catch checked class const continue default delegate do else enum
            event explicit extern finally fixed for foreach goto if implicit in interface internal is lock
            namespace new operator out override params private protected public readonly ref return sealed
            sizeof stackalloc static struct switch this throw try typeof unchecked unsafe using virtual
            volatile while add alias ascending async await by descending equals from get global group into
            join let nameof on orderby partial remove select set value var when where yield record init
            required with managed unmanaged file scoped
            """) + words(.keywordType, """
            bool byte char decimal double dynamic float int long object sbyte short string uint ulong
            ushort void nint nuint
            """) + words(.keywordConstant, "true false null")
        d.classIntroducers = ["class", "struct", "interface", "enum", "record", "namespace"]
        d.decorators = false
        return d
    }

    static var java: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.characterLiterals = true
        d.decorators = true
        d.strings = [Rule("\"\"\"", multiline: true), Rule("\"")]
        d.words = words(.keyword, """
            abstract assert break case catch class const continue default do else enum extends final
            finally for goto if implements instanceof interface native new private protected public
            return static strictfp super switch synchronized this throw throws transient try volatile
            while var yield record sealed permits non-sealed
            """) + words(.keywordNamespace, "import package") + words(.keywordType, """
            boolean byte char double float int long short void
            """) + words(.keywordConstant, "true false null")
        d.classIntroducers = ["class", "interface", "enum", "record"]
        return d
    }

    static var kotlin: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.nestedBlockComments = true
        d.characterLiterals = true
        d.decorators = true
        d.dollarVariables = false
        d.strings = [Rule("\"\"\"", escapes: false, multiline: true, interpolation: "${"), Rule("\"", interpolation: "${")]
        d.words = words(.keyword, """
            as break class continue do else for fun if in interface is object return super this throw
            try typealias typeof when while by catch constructor delegate dynamic field file finally get
            init param property receiver set setparam where actual abstract annotation companion const
            crossinline data enum expect external final infix inline inner internal lateinit noinline open
            operator out override private protected public reified sealed suspend tailrec vararg value
            """) + words(.keywordDeclaration, "val var") + words(.keywordNamespace, "package import")
            + words(.keywordConstant, "true false null")
        d.functionIntroducers = ["fun"]
        d.classIntroducers = ["class", "interface", "object"]
        d.words = d.words + words(.keywordType, "Any Boolean Byte Char Double Float Int Long Nothing Short String Unit")
        return d
    }

    static var swift: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.nestedBlockComments = true
        d.decorators = true
        d.strings = [
            Rule("#\"\"\"", "\"\"\"#", escapes: false, multiline: true),
            Rule("\"\"\"", multiline: true, interpolation: "\\("),
            Rule("#\"", "\"#", escapes: false),
            Rule("\"", interpolation: "\\("),
        ]
        d.words = words(.keyword, """
            as associatedtype break case catch continue default defer deinit do else extension fallthrough
            fileprivate for guard if in indirect inout internal is open operator private protocol public
            repeat rethrows return static subscript super switch throw throws try where while
            convenience dynamic final infix lazy mutating nonmutating optional override postfix precedence
            prefix required unowned weak willSet didSet get set async await actor nonisolated isolated
            some any consuming borrowing package each macro init
            """) + words(.keywordDeclaration, "class enum func import let struct typealias var")
            + words(.keywordConstant, "true false nil") + words(.keyword, "self Self")
        d.functionIntroducers = ["func"]
        d.classIntroducers = ["class", "struct", "enum", "protocol", "extension", "actor"]
        d.membersAreNames = false
        return d
    }

    static var go: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.characterLiterals = true
        d.strings = [Rule("`", kind: .stringBacktick, escapes: false, multiline: true), Rule("\"")]
        d.words = words(.keyword, """
            break case chan const continue default defer else fallthrough for func go goto if import
            interface map package range return select struct switch type var
            """) + words(.keywordType, """
            bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string
            uint uint8 uint16 uint32 uint64 uintptr any comparable
            """) + words(.keywordConstant, "true false nil iota")
        d.functionIntroducers = ["func"]
        return d
    }

    static var rust: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.nestedBlockComments = true
        d.characterLiterals = true
        d.lifetimes = true
        d.rustAttributes = true
        d.docComments = [Array("///".utf8), Array("//!".utf8)]
        d.docBlockComments = true
        d.bangMacros = true
        d.strings = [
            Rule("r##\"", "\"##", escapes: false, multiline: true, prefixes: ["b"]),
            Rule("r#\"", "\"#", escapes: false, multiline: true, prefixes: ["b"]),
            Rule("r\"", "\"", escapes: false, multiline: true, prefixes: ["b"]),
            Rule("\"", multiline: true, prefixes: ["b", "c"]),
        ]
        d.words = words(.keyword, """
            as async await break const continue crate dyn else enum extern fn for if impl in let loop
            match mod move mut pub ref return static struct super trait type unsafe use where while union
            macro_rules yield
            """) + words(.keywordType, """
            u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 bool char str
            """) + words(.keywordConstant, "true false") + words(.keyword, "Self") + words(.nameBuiltinPseudo, "self")
        d.functionIntroducers = ["fn"]
        d.classIntroducers = ["struct", "enum", "trait", "union"]
        return d
    }

    static var javascript: LanguageDefinition {
        var d = LanguageDefinition()
        (d.lineComments, d.blockComments) = cFamilyComments
        d.regexLiterals = true
        d.identifierExtras = [UInt8(ascii: "$")]
        d.identifierStartExtras = [UInt8(ascii: "$")]
        d.hashbang = true
        d.strings = [
            Rule("`", kind: .stringBacktick, multiline: true, interpolation: "${"),
            Rule("\""),
            Rule("'", kind: .stringSingle),
        ]
        d.words = words(.keyword, """
            break case catch continue debugger default delete do else export extends finally for if import
            in instanceof new return super switch this throw try typeof while with yield await async
            of static get set from as
            """) + words(.keywordDeclaration, "class const function let var")
            + words(.keywordConstant, "true false null undefined NaN Infinity")
        d.functionIntroducers = ["function"]
        d.classIntroducers = ["class"]
        return d
    }

    static var typescript: LanguageDefinition {
        var d = javascript
        d.decorators = true
        d.words = words(.keyword, """
            abstract declare implements interface is keyof namespace module private protected public
            readonly type enum infer satisfies asserts override unique accessor constructor
            """) + words(.keywordType, """
            any boolean never number object string symbol unknown bigint
            """) + d.words
        d.typesAfterColon = true
        d.classIntroducers = ["class", "interface", "enum", "type"]
        return d
    }

    static var python: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("#".utf8)]
        d.decorators = true
        d.docstrings = true
        d.hashbang = true
        let prefixes = ["rb", "br", "fr", "rf", "r", "b", "f", "u", "t"]
        d.strings = [
            Rule("\"\"\"", multiline: true, prefixes: prefixes),
            Rule("'''", kind: .stringSingle, multiline: true, prefixes: prefixes),
            Rule("\"", prefixes: prefixes),
            Rule("'", kind: .stringSingle, prefixes: prefixes),
        ]
        d.words = words(.keyword, """
            assert async await break class continue def del elif else except finally for global if lambda
            nonlocal pass raise return try while with yield as
            """) + words(.keywordNamespace, "import from") + words(.keywordConstant, "True False None")
            + words(.operatorWord, "and or not in is") + words(.nameBuiltinPseudo, "self cls")
            + words(.nameBuiltin, """
            abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex
            delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals
            hasattr hash help hex id input int isinstance issubclass iter len list locals map max
            memoryview min next object oct open ord pow print property range repr reversed round set
            setattr slice sorted staticmethod str sum super tuple type vars zip __import__
            """)
        d.functionIntroducers = ["def"]
        d.classIntroducers = ["class"]
        return d
    }

    static var ruby: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("#".utf8)]
        d.blockComments = [(Array("=begin".utf8), Array("=end".utf8))]
        d.regexLiterals = true
        d.multilineRegex = true
        d.symbols = true
        d.hashbang = true
        d.identifierExtras = [UInt8(ascii: "?"), UInt8(ascii: "!")]
        d.identifierStartExtras = [UInt8(ascii: "@")]
        d.strings = [
            Rule("\"", multiline: true, interpolation: "#{"),
            Rule("'", kind: .stringSingle, multiline: true),
            Rule("`", kind: .stringBacktick, interpolation: "#{"),
            Rule("%w(", ")", kind: .stringOther, multiline: true),
            Rule("%i(", ")", kind: .stringOther, multiline: true),
            Rule("%q(", ")", kind: .stringOther, multiline: true),
            Rule("%Q(", ")", kind: .stringOther, multiline: true, interpolation: "#{"),
        ]
        d.words = words(.keyword, """
            BEGIN END alias and begin break case class def defined? do else elsif end ensure for if in
            module next not or redo rescue retry return super then undef unless until when while
            yield __FILE__ __LINE__ __ENCODING__ private protected public module_function raise
            """) + words(.keywordConstant, "true false nil") + words(.nameBuiltinPseudo, "self")
            + words(.nameBuiltin, """
            loop require require_relative include extend attr_reader attr_writer attr_accessor
            lambda proc puts print p format sprintf
            """)
        d.functionIntroducers = ["def"]
        d.classIntroducers = ["class", "module"]
        d.dataSectionMarker = Array("__END__".utf8)
        return d
    }

    static var php: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("//".utf8), Array("#".utf8)]
        d.blockComments = [(Array("/*".utf8), Array("*/".utf8))]
        d.dollarVariables = true
        d.preprocessorMarks = [Array("<?php".utf8), Array("<?=".utf8), Array("?>".utf8)]
        d.docBlockComments = true
        d.strings = [Rule("\"", multiline: true, interpolation: "{$"), Rule("'", kind: .stringSingle, multiline: true)]
        d.caseInsensitiveWords = true
        d.words = words(.keyword, """
            abstract and array as break callable case catch class clone const continue declare default do
            echo else elseif enddeclare endfor endforeach endif endswitch endwhile enum exit
            extends final finally fn for foreach function global goto if implements include include_once
            instanceof insteadof interface match namespace new or print private protected
            public readonly require require_once return static switch throw trait try use var while
            xor yield die
            """) + words(.nameBuiltin, "isset unset empty eval list") + words(.keywordConstant, "true false null") + words(.keywordType, "int float bool string void mixed never iterable object self parent")
        d.functionIntroducers = ["function"]
        d.classIntroducers = ["class", "interface", "trait", "enum"]
        return d
    }

    static var lua: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("--".utf8)]
        d.blockComments = [(Array("--[==[".utf8), Array("]==]".utf8)), (Array("--[=[".utf8), Array("]=]".utf8)), (Array("--[[".utf8), Array("]]".utf8))]
        d.hashbang = true
        d.strings = [
            Rule("[==[", "]==]", escapes: false, multiline: true), Rule("[=[", "]=]", escapes: false, multiline: true),
            Rule("[[", "]]", escapes: false, multiline: true), Rule("\""), Rule("'", kind: .stringSingle),
        ]
        // Block comments must win over line comments: they are tried first by the lexer's order.
        d.words = words(.keyword, """
            break do else elseif end for function goto if in local repeat return then until while
            """) + words(.keywordConstant, "true false nil") + words(.operatorWord, "and or not")
        d.functionIntroducers = ["function"]
        return d
    }

    static var haskell: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("--".utf8)]
        d.blockComments = [(Array("{-".utf8), Array("-}".utf8))]
        d.nestedBlockComments = true
        d.characterLiterals = true
        d.primeInNames = true
        d.capitalizedNamesAreTypes = true
        d.numberSeparators = true
        d.strings = [Rule("\"")]
        d.words = words(.keyword, """
            case class data default deriving do else family forall foreign if in infix infixl infixr
            instance let mdo newtype of proc rec then type where
            """) + words(.keywordNamespace, "import module qualified hiding")
        d.namespaceIntroducers = ["module", "import", "qualified", "as"]
        return d
    }

    static var sql: LanguageDefinition {
        var d = LanguageDefinition()
        d.lineComments = [Array("--".utf8)]
        d.blockComments = [(Array("/*".utf8), Array("*/".utf8))]
        d.caseInsensitiveWords = true
        d.strings = [Rule("'", kind: .stringSingle, escapes: false, multiline: true, prefixes: ["E", "N"])]
        d.words = words(.keyword, """
            add all alter analyze and any as asc begin between by cascade case cast check collate column
            commit conflict constraint create cross current_date current_time current_timestamp database
            default deferrable deferred delete desc distinct do drop each else end escape except exclusive
            exists explain fail filter following for foreign from full glob group having if ignore immediate
            in index indexed initially inner insert instead intersect into is isnull join key last left
            like limit match natural no not nothing notnull null nulls of offset on or order outer over
            partition plan pragma preceding primary query raise range recursive references regexp reindex
            release rename replace restrict returning right rollback row rows savepoint select set table
            temp temporary then ties to transaction trigger unbounded union unique update using vacuum
            values view virtual when where window with without true false grant revoke schema sequence
            function returns language procedure declare execute truncate lateral ilike similar
            absolute action admin after aggregate alias always assertion assignment asymmetric at
            attach attribute authorization backward before binary both cache called catalog chain
            characteristics checkpoint class close cluster coalesce comment comments committed
            concurrently connection constraints content conversion copy cost csv cube
            current cursor cycle data day deallocate dec definer delimiter delimiters depends detach
            dictionary disable discard document domain double encoding encrypted enum event exclude
            excluding execute extension external extract family fetch first force forward freeze
            functions generated global granted greatest grouping handler header hold hour identity
            immutable implicit import include including increment inherit inherits inline input
            insensitive instead invoker isolation label large leading leakproof least level listen load
            local location lock locked logged materialized maxvalue method minute minvalue mode
            month move name names national nchar new next nfc nfd nfkc nfkd none normalize normalized
            notify nowait object off oids old only operator option options ordinality others out over
            overlay overriding owned owner parser partial passing password placing plans policy
            position prepare prepared preserve prior privileges procedural procedures program
            publication quote reassign recheck ref referencing refresh relative reset restart result
            return role rollup routine routines rule schemas scroll search second security sequences
            serializable server session session_user setof sets share show simple skip snapshot some
            sql stable standalone start statement statistics stdin stdout storage stored strict strip
            subscription substring support symmetric sysid system tables tablespace transform
            treat trim truncate trusted uncommitted unencrypted unknown unlisten unlogged
            until user valid validate validator value variadic verbose version views volatile
            whitespace work wrapper write xml year yes zone public
            """)
        return d
    }
}
