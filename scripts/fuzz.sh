#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer and AddressSanitizer, on this machine only.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]   (default: 60 s, every target)
# Targets: raw-head (differential against SwiftNIO's parser), markdown, front-matter, search, sanitize, form (admin forms and upload sniffing).
# Each runs from the committed seeds in Fuzz/corpus/<target> with a working corpus in
# .build-fuzz/corpus/<target>; new inputs that add coverage stay there (copy the small ones
# into Fuzz/corpus to keep them). A finding leaves its input in .build-fuzz/findings/<target>
# and makes the script exit 1. Prints one summary line per target: executions, coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(raw-head markdown front-matter search sanitize form)

scripts/install-deps.sh
scratch=.build-fuzz
mkdir -p "$scratch"
for target in "${targets[@]}"; do
  swift build --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address --product "fuzz-$target" >"$scratch/build-$target.log" 2>&1 \
    || { cat "$scratch/build-$target.log" >&2; exit 1; }
done

status=0
for target in "${targets[@]}"; do
  work="$scratch/corpus/$target" findings="$scratch/findings/$target"
  mkdir -p "$work" "$findings"
  log="$scratch/fuzz-$target.log"
  # A fuzz product built while another `swift build` ran on this machine came out without
  # coverage counters in our modules (three times of three, 2026-12-04), and libFuzzer then
  # runs blind and reports no finding. Refuse to call that a fuzzing run.
  if ! ASAN_OPTIONS=detect_leaks=0 "$scratch/debug/fuzz-$target" -runs=0 "Fuzz/corpus/$target" 2>&1 | grep -q 'cov: [1-9]'; then
    echo "fuzz $target: the build has no coverage; delete $scratch and run this again with no other swift build running" >&2
    status=1
    continue
  fi
  set +e
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$scratch/debug/fuzz-$target" "$work" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)
  if [ $code -eq 0 ]; then
    echo "fuzz $target: ${seconds}s, $executions executions, coverage $coverage edges ($features features), corpus $(ls "$work" | wc -l) inputs, no finding"
  else
    echo "fuzz $target: FINDING after $executions executions (exit $code); input in $findings/; log $log" >&2
    tail -40 "$log" >&2
    status=1
  fi
done
exit $status
