#!/usr/bin/env python3
"""Every module a target's Swift files import is one that target declares in Package.swift (or
a module of the toolchain): SwiftPM lets a target import what its dependencies bring along, and
a dependency dropped elsewhere then breaks it without warning.

Usage: scripts/check-imports.py   (reads `swift package describe --type json`)
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Musl", "Darwin",
             "Synchronization", "Dispatch", "Testing", "XCTest", "_Concurrency", "os"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+|@preconcurrency\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)", re.M)


def main():
    package = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=ROOT, check=True,
                                        capture_output=True, text=True).stdout)
    problems = []
    checked = 0
    for target in package["targets"]:
        if target.get("type") == "system-target":
            continue
        declared = set(target.get("target_dependencies") or []) | set(target.get("product_dependencies") or []) | {target["name"]} | TOOLCHAIN
        for file in sorted((ROOT / target["path"]).rglob("*.swift")):
            for module in sorted(set(IMPORT.findall(file.read_text()))):
                checked += 1
                if module not in declared:
                    problems.append(f"{file.relative_to(ROOT)}: imports {module}, which {target['name']} does not declare")
    for problem in problems:
        print(f"FAIL: {problem}")
    print(f"imports: {checked - len(problems)} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
