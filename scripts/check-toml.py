#!/usr/bin/env python3
"""TOML front matter against the toml-test suite (github.com/toml-lang/toml-test), through the
real binary: every TOML 1.0 test file becomes the front matter of a Markdown file, and one
`galley import --dry-run` reads them all.

    scripts/check-toml.py TOML_TEST [--galley .build/debug/galley]

TOML_TEST is a checkout of toml-test or its bare git directory (what the search tool's `fetch`
brings). Nothing of it is committed here. Passes when every valid file is read without a TOML
error, every invalid one is refused with one, and the process neither crashes nor aborts; the
files where Galley and the suite disagree are listed.
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile


def suite_files(root: pathlib.Path):
    """(name, bytes) of the TOML 1.0 files, from a work tree or a bare git directory."""
    if (root / "tests" / "files-toml-1.0.0").exists():
        names = (root / "tests" / "files-toml-1.0.0").read_text().split()
        read = lambda name: (root / "tests" / name).read_bytes()
    else:
        git = ["git", f"--git-dir={root}"]
        names = subprocess.run(git + ["show", "HEAD:tests/files-toml-1.0.0"], check=True, capture_output=True, text=True).stdout.split()
        read = lambda name: subprocess.run(git + ["show", f"HEAD:tests/{name}"], check=True, capture_output=True).stdout
    return [(name, read(name)) for name in names if name.endswith(".toml")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", type=pathlib.Path)
    parser.add_argument("--galley", default=".build/debug/galley")
    args = parser.parse_args()

    files = suite_files(args.suite)
    with tempfile.TemporaryDirectory() as folder:
        site = pathlib.Path(folder) / "site"
        for name, content in files:
            path = site / (name[: -len(".toml")] + ".md")
            path.parent.mkdir(parents=True, exist_ok=True)
            # A byte order mark opens a file, before the fence.
            bom = b"\xef\xbb\xbf" if content.startswith(b"\xef\xbb\xbf") else b""
            content = content[len(bom):]
            # The closing fence needs a line of its own; a space first keeps a last bare CR bare.
            ending = b"" if content.endswith(b"\n") else b" \n"
            path.write_bytes(bom + b"+++\n" + content + ending + b"+++\n\n# From toml-test\n\nBody.\n")
        run = subprocess.run(
            [args.galley, "import", str(site), "--dry-run", "--database-url", f"sqlite://{folder}/galley.sqlite"],
            capture_output=True, text=True, errors="replace", timeout=600,
        )
    if run.returncode not in (0, 1):
        print(run.stderr[-3000:])
        sys.exit(f"galley import stopped with status {run.returncode} (a crash or an abort) on the toml-test files")

    # failed     valid/array/foo.md:3: TOML front matter: ...
    toml_errors = {}
    for line in run.stderr.splitlines():
        match = re.match(r"failed\s+(?:.*/site/)?(\S+?\.md)(?::\d+)?: (.*)", line)
        # Not UTF-8 is refused as the file is read, before its front matter.
        if match and match.group(2).startswith(("TOML front matter", "cannot read the file as UTF-8")):
            toml_errors[match.group(1)] = match.group(2)
    valid = [name for name, _ in files if name.startswith("valid/")]
    invalid = [name for name, _ in files if name.startswith("invalid/")]
    md = lambda name: name[: -len(".toml")] + ".md"
    refused_valid = [name for name in valid if md(name) in toml_errors]
    accepted_invalid = [name for name in invalid if md(name) not in toml_errors]
    print(f"valid files read:      {len(valid) - len(refused_valid)} of {len(valid)}")
    print(f"invalid files refused: {len(invalid) - len(accepted_invalid)} of {len(invalid)}")
    for name in refused_valid:
        print(f"  refused, but valid:   {name}: {toml_errors[md(name)]}")
    for name in accepted_invalid:
        print(f"  accepted, but invalid: {name}")
    if refused_valid or accepted_invalid:
        sys.exit(1)


if __name__ == "__main__":
    main()
