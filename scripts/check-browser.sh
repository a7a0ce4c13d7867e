#!/usr/bin/env bash
# The author's path through the admin in headless Chromium (Tests/browser/editor_flow.py), then
# the stored-XSS corpus (Tests/browser/xss.py) on every third payload; XSS_SAMPLE=1 runs all of
# them (about 1,100 page loads, 5 minutes). Installs Debian's chromium and chromium-driver, and
# selenium from PyPI in a virtual environment, when missing. Screenshots of the editor go to
# .build/test-artefacts/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh chromium chromium-driver fonts-dejavu-core
venv=.build/venv-tests
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import selenium" 2>/dev/null \
  || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==4.*"
"$venv/bin/python" Tests/browser/editor_flow.py .build/debug/galley .build/test-artefacts/browser
"$venv/bin/python" Tests/browser/xss.py .build/debug/galley --sample "${XSS_SAMPLE:-3}"
