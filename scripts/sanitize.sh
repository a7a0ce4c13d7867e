#!/usr/bin/env bash
# The Swift test suite under a sanitizer, PostgreSQL included: address, thread, or both.
# Usage: scripts/sanitize.sh [address|thread ...]   (default: both, one after the other)
# Each builds in its own folder (.build-asan, .build-tsan: several minutes from scratch) and
# prints the test runner's closing line; a sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(address thread)
scripts/install-deps.sh
for kind in "${kinds[@]}"; do
  case "$kind" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "usage: $0 [address|thread ...]" >&2; exit 2 ;;
  esac
  swift build --build-tests --sanitize="$kind" --scratch-path "$scratch"
  suppressions=""
  if [ "$kind" = thread ]; then
    # Synchronization's Mutex is invisible to ThreadSanitizer on Linux: proven on a correct
    # counter first, then suppressed where the suite's reports were all of that kind.
    swiftc -sanitize=thread -O scripts/tsan-mutex-check.swift -o "$scratch/tsan-mutex-check"
    TSAN_OPTIONS=halt_on_error=0 "$scratch/tsan-mutex-check" >"$scratch/tsan-mutex-check.log" 2>&1 || true
    if grep -q "WARNING: ThreadSanitizer" "$scratch/tsan-mutex-check.log"; then
      suppressions=":suppressions=$PWD/scripts/tsan-suppressions.txt"
    else
      echo "sanitize thread: this toolchain sees Mutex; scripts/tsan-suppressions.txt can go"
    fi
  fi
  log="$scratch/test.log"
  # halt_on_error: the first report fails the run; leaks are not what this looks for.
  # The Swift backtracer is off: it hung reading memory after a sanitizer report.
  # One test at a time: slowed 2-20 times by the sanitizer and sharing two cores with every
  # other test, 40 concurrent PostgreSQL saves waited past the 5 s a request may wait for a
  # connection (alone, they take 1 s under ASan).
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1$suppressions" \
    scripts/postgres.sh run env GALLEY_REQUIRE_POSTGRES=1 swift test --skip-build --no-parallel --sanitize="$kind" --scratch-path "$scratch" 2>&1 | tee "$log" | grep -E "Test run|WARNING: ThreadSanitizer|ERROR: AddressSanitizer|SUMMARY" || true
  if grep -qE "WARNING: ThreadSanitizer|ERROR: AddressSanitizer" "$log" || ! grep -q "Test run with .* passed" "$log"; then
    echo "sanitize $kind: FAILED (log in $log)" >&2
    exit 1
  fi
  echo "sanitize $kind: passed ($(grep -o 'Test run with [0-9]* tests' "$log" | tail -1))"
done
