#!/usr/bin/env bash
# Serves a sample blog on loopback and takes headless Chromium screenshots of it, light and dark,
# at desktop and phone widths, into docs/screenshots/. Stops the server it started.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data" "$log"' EXIT

.build/debug/galley serve --port 0 --data "$data" --site-title "Galley" >"$log" 2>/dev/null &
pid=$!
for _ in $(seq 100); do
  base=$(sed -n 's/^Galley is serving \(http:[^ ]*\).*/\1/p' "$log")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "galley did not start" >&2; exit 1; }
# Served first, so the new blog has its welcome post; then a few imported posts beside it.
.build/debug/galley import Tests/GalleyCLITests/Fixtures/blog --data "$data" >/dev/null

shoot() { # name path width height [dark]
  local flags=()
  [ "${5:-}" = dark ] && flags=(--force-dark-mode --blink-settings=preferredColorScheme=0)
  timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    "${flags[@]}" --window-size="$3,$4" --screenshot="$out/$1.png" "$base$2" 2>/dev/null
  echo "$out/$1.png"
}
shoot home-light / 1280 1000
shoot home-dark / 1280 1000 dark
shoot post-light /posts/welcome-to-galley 1280 1500
shoot post-dark /posts/welcome-to-galley 1280 1500 dark
shoot post-phone /posts/welcome-to-galley 390 1600
shoot error-light "/posts/missing" 1280 700
