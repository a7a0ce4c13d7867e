#!/usr/bin/env bash
# Import benchmark: a generated Jekyll site of N posts with one image each, imported into a new
# SQLite database by the release binary. Prints wall time and peak memory; then a second run
# over the same database (everything unchanged).
# Usage: Benchmarks/import/run.sh [N]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-10000}"
scripts/install-deps.sh
swift build -c release --product galley >/dev/null
galley="$(swift build -c release --show-bin-path)/galley"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/import/generate_site.py "$count" "$work/site"
for run in first again; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$galley" import "$work/site" --data "$work/data" >"$work/$run.log" 2>&1 || { tail -20 "$work/$run.log"; exit 1; }
  read -r seconds kilobytes <"$work/time"
  echo "import $run: $count posts in ${seconds} s, peak memory $((kilobytes / 1024)) MB ($(tail -1 "$work/$run.log"))"
done
