#!/usr/bin/env bash
# Runs Tests/feeds/check_feeds.py against the built galley binary, with feedparser from PyPI in a
# virtual environment under .build/ (Debian's own Python refuses system-wide pip installs).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/venv-tests
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import feedparser" 2>/dev/null || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "feedparser==6.0.*"
exec "$venv/bin/python" Tests/feeds/check_feeds.py
