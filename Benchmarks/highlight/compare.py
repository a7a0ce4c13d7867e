#!/usr/bin/env python3
"""Galley's highlighter against Pygments, side by side on one corpus of real-world code.

For every language: how often the two agree on the category (keyword, string, number, comment,
other) of each non-whitespace character, and how fast each turns the same files into HTML.

    python3 Benchmarks/highlight/compare.py            # build, collect the corpus, compare
    python3 Benchmarks/highlight/compare.py --only swift,python --seconds 1

The corpus comes from files already on this machine (the Python standard library, the Swift
package checkouts in .build/checkouts, shell scripts and configuration under /usr and /etc, npm's
own JavaScript, the git history of the local Swift package mirror for diffs) and, for languages with too little of that here, from the
real-world sample files shipped in Pygments' source distribution (downloaded once from PyPI into
.build/highlight-corpus). Nothing in it was written to fit either lexer.
"""

import argparse
import fnmatch
import functools
import glob
import os
import subprocess
import sys
import tarfile
import time

import pygments
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import Comment, Keyword, Number, String

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, ".build")
CORPUS = os.path.join(BUILD, "highlight-corpus")
TOOL = os.path.join(BUILD, "release", "highlight-tool")
CHECKOUTS = os.path.join(BUILD, "checkouts")
BUDGET = 240_000  # bytes of source per language
MAX_FILE = 120_000  # larger files are skipped, so one file cannot make up a language

# Our language -> Pygments lexer name.
PYGMENTS = {
    "bash": "bash", "console": "console", "c": "c", "cpp": "cpp", "csharp": "csharp", "css": "css",
    "diff": "diff", "dockerfile": "docker", "go": "go", "haskell": "haskell", "html": "html", "ini": "ini",
    "java": "java", "javascript": "javascript", "json": "json", "kotlin": "kotlin", "lua": "lua",
    "makefile": "make", "markdown": "markdown", "nginx": "nginx", "php": "php", "python": "python",
    "ruby": "ruby", "rust": "rust", "sql": "sql", "swift": "swift", "toml": "toml",
    "typescript": "typescript", "xml": "xml", "yaml": "yaml",
}

PYTHON_LIB = os.path.dirname(os.__file__)

# Where each language's real-world files are found on this machine.
LOCAL = {
    "python": [f"{PYTHON_LIB}/*.py", f"{PYTHON_LIB}/*/*.py"],
    "swift": [f"{CHECKOUTS}/*/Sources/*/*.swift", f"{CHECKOUTS}/*/Sources/*/*/*.swift"],
    "c": [f"{CHECKOUTS}/*/Sources/C*/*.c", f"{CHECKOUTS}/*/Sources/C*/*/*.c", f"{CHECKOUTS}/*/Sources/C*/include/*.h"],
    "cpp": [f"{CHECKOUTS}/swift-nio-ssl/Sources/CNIOBoringSSL/*/*.cc", f"{CHECKOUTS}/swift-nio-ssl/Sources/CNIOBoringSSL/*/*/*.cc"],
    "bash": ["/usr/bin/*", "/usr/sbin/*", "/etc/init.d/*", "/usr/share/*/*.sh", f"{CHECKOUTS}/*/scripts/*.sh", f"{CHECKOUTS}/*/dev/*.sh"],
    "yaml": [f"{CHECKOUTS}/*/.github/workflows/*.yml", f"{CHECKOUTS}/*/*.yml", f"{CHECKOUTS}/*/.*.yml", "/etc/**/*.yaml", "/usr/share/**/*.yaml", "/usr/share/**/*.yml"],
    "json": ["/usr/lib/node_modules/npm/**/*.json", "/usr/share/**/*.json"],
    "toml": ["/usr/share/**/*.toml", "/root/.cargo/**/*.toml", "/usr/lib/**/*.toml", "/root/.pyenv/**/*.toml"],
    "ini": ["/usr/share/**/*.ini", "/etc/**/*.ini", "/root/.pyenv/**/*.ini", "/usr/lib/**/*.ini"],
    "dockerfile": [f"{CHECKOUTS}/**/Dockerfile*", "/usr/lib/google-cloud-sdk/**/Dockerfile*", "/root/.pyenv/**/Dockerfile*"],
    "nginx": ["/etc/nginx/nginx.conf", "/etc/nginx/sites-available/*", "/etc/nginx/snippets/*", "/usr/share/nginx/**/*.conf"],
    "javascript": ["/usr/lib/node_modules/npm/lib/**/*.js", "/usr/lib/node_modules/npm/node_modules/*/lib/*.js"],
    "typescript": ["/usr/lib/node_modules/**/*.ts", "/usr/lib/google-cloud-sdk/**/*.ts"],
    "php": ["/usr/lib/google-cloud-sdk/**/*.php", "/usr/share/**/*.php"],
    "markdown": [f"{CHECKOUTS}/*/README.md", f"{CHECKOUTS}/*/*.md", f"{CHECKOUTS}/*/Sources/**/*.md"],
    "makefile": [f"{CHECKOUTS}/**/Makefile", "/usr/share/**/Makefile", "/usr/lib/**/Makefile", "/root/.pyenv/**/Makefile"],
    "xml": ["/usr/share/**/*.xml", "/etc/**/*.xml"],
    "html": ["/usr/share/doc/**/*.html", "/usr/lib/node_modules/npm/docs/**/*.html"],
    "css": ["/usr/lib/node_modules/**/*.css", "/usr/share/**/*.css"],
    "ruby": ["/usr/lib/ruby/**/*.rb", "/usr/share/**/*.rb", "/root/.pyenv/**/*.rb"],
    "go": ["/usr/lib/go*/src/**/*.go", "/usr/share/**/*.go", "/root/.pyenv/**/*.go"],
    "rust": ["/root/.rustup/toolchains/*/lib/rustlib/src/rust/library/core/src/**/*.rs", "/root/.cargo/registry/src/**/*.rs", "/usr/share/**/*.rs"],
    "java": ["/usr/lib/jvm/**/*.java", "/usr/share/**/*.java"],
    "kotlin": ["/usr/share/**/*.kt"], "haskell": ["/usr/share/**/*.hs"], "csharp": ["/usr/share/**/*.cs", "/usr/lib/**/*.cs"],
    "lua": ["/usr/share/**/*.lua", "/usr/lib/**/*.lua"], "sql": ["/usr/share/**/*.sql", "/root/.pyenv/**/*.sql"],
    "console": [], "diff": [],
}

# Pygments' own sample files of real projects, for languages short of local files.
PYGMENTS_SAMPLES = {
    "console": ["console"], "csharp": ["csharp"], "go": ["go"], "haskell": ["haskell"], "java": ["java"],
    "kotlin": ["kotlin"], "lua": ["lua"], "nginx": ["nginx"], "ruby": ["rb"], "rust": ["rust"],
    "sql": ["sql", "postgresql", "sqlite3", "psql"], "php": ["php"], "typescript": ["ts"], "css": ["css"],
    "html": ["html"], "haskell ": [], "dockerfile": ["docker"], "ini": ["ini"], "toml": ["toml"],
    "makefile": ["make"], "markdown": ["md"], "yaml": ["yaml"], "json": ["json"], "xml": ["xml"],
}


def shebang_shell(path):
    try:
        with open(path, "rb") as f:
            first = f.readline(100)
        return first.startswith(b"#!") and (b"/sh" in first or b"bash" in first) and b"python" not in first
    except OSError:
        return False


def readable_text(path):
    try:
        if not os.path.isfile(path) or os.path.getsize(path) == 0 or os.path.getsize(path) > MAX_FILE:
            return False
        with open(path, "rb") as f:
            data = f.read()
        data.decode("utf-8")
        return b"\0" not in data
    except (OSError, UnicodeDecodeError):
        return False


def pygments_samples():
    folder = os.path.join(CORPUS, "pygments-samples")
    if not os.path.isdir(folder):
        os.makedirs(CORPUS, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "-d", CORPUS, f"pygments=={pygments.__version__}"], check=True)
        archive = glob.glob(os.path.join(CORPUS, "pygments-*.tar.gz"))[0]
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if "/tests/examplefiles/" in m.name and m.isfile()
                       and not m.name.endswith(".output")]
            for member in members:
                member.name = os.path.join(*member.name.split("/tests/examplefiles/")[1].split("/"))
            tar.extractall(folder, members=members, filter="data")
    return folder


def diff_corpus():
    """Real patches: the latest commits of the Swift packages in the local mirror, one file each."""
    folder = os.path.join(CORPUS, "diff")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for repo in sorted(glob.glob("/opt/swift-packages/*/*.git"))[:40]:
        path = os.path.join(folder, os.path.basename(repo) + ".diff")
        if not os.path.exists(path):
            result = subprocess.run(["git", "-C", repo, "log", "-p", "-n", "2", "--no-color", "--format=commit %H%n%n    %s%n"],
                                    capture_output=True, text=True, errors="replace")
            # Whole lines only, and well under the per-file cap.
            text = result.stdout[:24_000]
            with open(path, "w") as f:
                f.write(text[: text.rfind("\n") + 1])
        paths.append(path)
    return paths


@functools.lru_cache(maxsize=None)
def tree_index(root):
    """Every file below `root`, walked once: recursive globs over /usr are slow when repeated."""
    paths = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("proc", "sys", ".git"))
        paths += [os.path.join(folder, name) for name in sorted(names)]
    return paths


def expand(pattern):
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    root = pattern.split("**")[0].rstrip("/")
    roots = glob.glob(root) if any(c in root for c in "*?[") else [root]
    return [path for r in roots if os.path.isdir(r) for path in tree_index(r) if fnmatch.fnmatch(path, pattern.replace("**/", "*"))]


def collect(language):
    files, total = [], 0
    candidates = []
    for pattern in LOCAL.get(language, []):
        candidates += expand(pattern)
    if language == "diff":
        candidates = diff_corpus()
    if language == "bash":
        candidates = [p for p in candidates if p.endswith(".sh") or shebang_shell(p)]
    source = "local"
    for path in candidates:
        if total >= BUDGET:
            break
        if path in files or not readable_text(path):
            continue
        files.append(path)
        total += os.path.getsize(path)
    if total < BUDGET // 4 and language in PYGMENTS_SAMPLES:
        samples = pygments_samples()
        for name in PYGMENTS_SAMPLES[language]:
            for path in sorted(glob.glob(os.path.join(samples, name, "*"))):
                if total < BUDGET and readable_text(path) and path not in files:
                    files.append(path)
                    total += os.path.getsize(path)
        source = "local+pygments" if files and not files[0].startswith(samples) else "pygments samples"
    return files, total, source


def category(token_type):
    if token_type in Keyword:
        return "k"
    if token_type in String:
        return "s"
    if token_type in Number:
        return "n"
    if token_type in Comment:
        return "c"
    return "o"


def pygments_categories(lexer, text):
    letters = []
    for token_type, value in lexer.get_tokens(text):
        letters.append(category(token_type) * len(value))
    return "".join(letters)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated languages")
    parser.add_argument("--seconds", type=float, default=1.0, help="time per speed measurement, round and side")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per language; the best of each side counts")
    parser.add_argument("--show", type=int, default=0, help="print this many disagreeing characters per language")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "highlight-tool"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    languages = args.only.split(",") if args.only else sorted(PYGMENTS)

    print(f"Pygments {pygments.__version__}, Python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print(f"{'language':<11} {'files':>5} {'KB':>6}  {'agree':>7}  {'Galley MB/s':>11} {'Pygments MB/s':>13} {'speed-up':>8}  corpus")
    worst = 100.0
    for language in languages:
        files, total, source = collect(language)
        if not files:
            print(f"{language:<11} no corpus")
            continue
        lexer = get_lexer_by_name(PYGMENTS[language], stripnl=False, ensurenl=False)
        ours = subprocess.run([TOOL, "categories", language, *files], capture_output=True, text=True, check=True).stdout.split("\n")
        agree = compared = 0
        shown = 0
        for index, path in enumerate(files):
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
            theirs = pygments_categories(lexer, text)
            mine = ours[index]
            if len(theirs) != len(text) or len(mine) != len(text):
                print(f"  length mismatch in {path}: text {len(text)}, pygments {len(theirs)}, ours {len(mine)}")
                continue
            for position, character in enumerate(text):
                if character.isspace():
                    continue
                compared += 1
                if theirs[position] == mine[position]:
                    agree += 1
                elif shown < args.show:
                    shown += 1
                    line = text.count("\n", 0, position) + 1
                    context = text[max(0, position - 20):position + 20].replace("\n", "⏎")
                    print(f"    {os.path.basename(path)}:{line} pygments={theirs[position]} ours={mine[position]} {context!r}")
        agreement = 100.0 * agree / max(compared, 1)
        worst = min(worst, agreement)

        texts = []
        for path in files:
            with open(path, encoding="utf-8", newline="") as f:
                texts.append(f.read())
        formatter = HtmlFormatter()

        def pygments_speed():
            start = time.perf_counter()
            processed = 0
            while True:
                for text in texts:
                    highlight(text, lexer, formatter)
                processed += total
                if time.perf_counter() - start >= args.seconds:
                    break
            return processed / (time.perf_counter() - start) / 1e6

        def galley_speed():
            out = subprocess.run([TOOL, "bench", language, str(args.seconds), *files], capture_output=True, text=True, check=True).stdout.split()
            return int(out[0]) / float(out[1]) / 1e6

        # This machine's speed drifts by a third from one second to the next: the two sides take
        # turns, and each keeps its best round.
        theirs_speed = ours_speed = 0.0
        for _ in range(args.rounds):
            theirs_speed = max(theirs_speed, pygments_speed())
            ours_speed = max(ours_speed, galley_speed())
        print(f"{language:<11} {len(files):>5} {total // 1000:>6}  {agreement:>6.2f}%  {ours_speed:>11.1f} {theirs_speed:>13.2f} {ours_speed / theirs_speed:>7.0f}×  {source}")
    print(f"lowest agreement: {worst:.2f}%")


if __name__ == "__main__":
    main()
