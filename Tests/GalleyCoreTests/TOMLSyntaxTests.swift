import GalleyCore
import Testing

/// TOML 1.0's grammar as TOMLSyntax checks it before toml++ reads front matter. The whole
/// toml-test suite is run against it by `scripts/check-toml.py` (see SECURITY.md); these are the
/// cases that say what each rule is.
@Suite struct TOMLSyntaxTests {
    @Test(arguments: [
        // What Hugo and Zola write.
        """
        title = "Announcing Rust 1.88.0"
        date = 2025-06-26
        updated = 2025-06-27T10:00:00+02:00
        draft = false
        tags = ["release", 'news']

        [taxonomies]
        categories = ["news"] # a comment

        [[extra.links]]
        name = "docs"
        """,
        // Numbers.
        "a = +99\nb = -17\nc = 0\nd = 1_000\ne = 0xDEAD_beef\nf = 0o755\ng = 0b1101\nh = 3.1415\ni = -0.01\nj = 5e+22\nk = 1e06\nl = -2E-2\nm = 6.626e-34\nn = 224_617.445_991\no = +inf\np = -nan\nq = inf\n",
        // Dates and times.
        "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999-07:00\nd = 1979-05-27 07:32:00Z\ne = 1979-05-27t07:32:00\nf = 1979-05-27\ng = 07:32:00\nh = 00:32:00.999999\ni = 2024-02-29\nj = 1990-12-31T23:59:60Z\n",
        // Strings.
        #"a = "tab\there \"quoted\" \\ \u00E9 \U0001F600 café""# + "\n",
        "a = 'C:\\Users\\nodejs' # no escapes\nb = '<\\i\\c*\\s*>'\n",
        "a = \"\"\"\nRoses are red\nViolets are blue\"\"\"\nb = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"\nc = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\nd = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n",
        "a = '''\nThe first newline is\ntrimmed in raw strings.\n'''\nb = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\nc = ''''That,' she said, 'is still pointless.''''\n",
        // Keys.
        "bare_key-1 = 1\n\"127.0.0.1\" = \"value\"\n'quoted \"value\"' = 2\nsite.\"google.com\" = true\nfruit . color = \"yellow\"\n\"\" = \"blank\"\n1234 = 5\n",
        // Arrays and inline tables.
        "a = [ [ 1, 2 ], [\"a\", 'b'], [ { x = 1, y.z = [2] } ] ]\nb = [\n  1, # one\n\n  2,\n]\nc = []\nd = {}\ne = { first = \"Tom\", last = \"Preston-Werner\" }\n",
        // Windows line ends, blank lines, a comment on the last line without a line end.
        "a = 1\r\n\r\n[t]\r\nb = \"x\"\r\n# end",
        "",
    ])
    func acceptsTOML(_ text: String) {
        #expect(TOMLSyntax.firstFailure(in: text) == nil, "\(text.debugDescription)")
    }

    @Test(arguments: [
        ("a = 1\nb =\n", 2, "a value is missing"),
        ("a = 1 2\n", 1, "expected the line's end after a value"),
        ("a = truex\n", 1, "expected the line's end"),
        ("a = tru\n", 1, "cannot start a value"),
        ("key\n", 1, "expected '=' after the key, found the line's end"),
        ("= 1\n", 1, "a key must be letters"),
        ("a.\n", 1, "a key must be letters"),
        ("caf\u{E9} = 1\n", 1, "expected '=' after the key, found a character other than ASCII"),
        ("[a\n", 1, "expected ']' to close the table's name"),
        ("[[a]\n", 1, "expected ']]'"),
        ("[[[a]]]\n", 1, "a key must be letters, digits, '-' and '_', or quoted; found '['"),
        ("[]\n", 1, "a key must be letters"),
        ("a = \"open\nb = 1\n", 1, "a string is not closed on the line it starts"),
        ("a = 'open\n", 1, "a string is not closed"),
        ("a = \"\"\"open\n\nb = 1\n", 4, "a multi-line string is not closed"),
        ("a = \"\"\"x\"\"\"\"\"\"\n", 1, "more than five quotes"),
        ("a = \"\\e\"\n", 1, "unknown escape"),
        ("a = \"\\uD800\"\n", 1, "names no Unicode character"),
        ("a = \"\\u12\"\n", 1, "4 hexadecimal digits"),
        ("a = \"bell\u{7}\"\n", 1, "a control character in a string"),
        ("a = 1 # bell\u{7}\n", 1, "a control character in a comment"),
        ("a = 1\rb = 2\n", 1, "a carriage return must be followed by a line feed"),
        ("a = 012\n", 1, "leading zeros"),
        ("a = 1__2\n", 1, "'_' in a number must stand between two digits"),
        ("a = 1_\n", 1, "must stand between two digits"),
        ("a = _1\n", 1, "cannot start a value"),
        ("a = -0x1\n", 1, "has no sign"),
        ("a = 0x\n", 1, "needs a digit"),
        ("a = 0o8\n", 1, "needs a digit"),
        ("a = 1.\n", 1, "a number's fraction needs a digit"),
        ("a = .5\n", 1, "cannot start a value"),
        ("a = 1e\n", 1, "a number's exponent needs a digit"),
        ("a = 2024-13-01\n", 1, "month must be 01 to 12"),
        ("a = 2023-02-29\n", 1, "day must be 01 to 28"),
        ("a = 2024-05-17T\u{E9}:00:00\n", 1, "a date or time needs a digit here"),
        ("a = 2024-05-17T10:00\n", 1, "seconds are not optional"),
        ("a = 2024-05-17T24:00:00\n", 1, "hour must be 00 to 23"),
        ("a = 2024-05-17T10:00:00+0200\n", 1, "expected ':' in a time offset"),
        ("a = 2024-05-17T10:00:00.\n", 1, "'.' must be followed by digits"),
        ("a = 07:32\n", 1, "seconds are not optional"),
        ("a = [1 2]\n", 1, "expected ',' or ']' after an array's value"),
        ("a = [1,,2]\n", 1, "',' cannot start a value"),
        ("a = [\"a\", }\n", 1, "'}' cannot start a value"),
        ("a = [\n1,\n", 3, "a value is missing"),
        ("a = { b = 1, }\n", 1, "a key must be letters"),
        ("a = { b = 1\n}\n", 1, "an inline table must end on the line it starts"),
        ("a = { b = 1 c = 2 }\n", 1, "expected ',' or '}'"),
        ("a = {\nb = 1 }\n", 1, "an inline table must end on the line it starts"),
        (String(repeating: "a = [", count: 1) + String(repeating: "[", count: 200) + "\n", 1, "nested more than 128 deep"),
    ] as [(String, Int, String)])
    func refusesWhatIsNotTOMLSayingWhereAndWhy(text: String, line: Int, reason: String) {
        let failure = TOMLSyntax.firstFailure(in: text)
        #expect(failure?.line == line, "\(text.debugDescription)")
        #expect(failure?.reason.contains(reason) == true, "\(text.debugDescription): \(failure?.reason ?? "accepted")")
    }

    @Test func isLinearInTheInput() {
        // A megabyte of values and of an unclosed string: checked in one pass, not one per line.
        let values = String(repeating: "[[t]]\nk = [1, 'two', { a = 2024-05-17T10:00:00Z }] # c\n", count: 20_000)
        #expect(TOMLSyntax.firstFailure(in: values) == nil)
        let unclosed = "a = \"\"\"" + String(repeating: "x\"\"y\n", count: 200_000)
        #expect(TOMLSyntax.firstFailure(in: unclosed)?.line == 200_001)
    }
}
