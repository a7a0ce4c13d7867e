#!/usr/bin/env bash
# Tests what lives under deploy/ and can run here: the nginx configuration in front of a real
# galley (Tests/deploy/check_nginx.py). Installs Debian's nginx and openssl when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=(openssl)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || extra+=(nginx-light)
scripts/install-deps.sh "${extra[@]}"
python3 Tests/deploy/check_nginx.py .build/debug/galley
