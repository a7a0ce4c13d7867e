#!/usr/bin/env bash
# Tests what lives under deploy/ and can run here (no Docker engine, no cluster):
#   - the nginx configuration in front of a real galley (Tests/deploy/check_nginx.py);
#   - every Kubernetes overlay rendered with `kubectl kustomize` and validated against the
#     Kubernetes schemas with kubernetes-validate from PyPI (Tests/deploy/check_kubernetes.py);
#   - the systemd unit, with `systemd-analyze verify`;
#   - a graceful stop of the real binary during a slow request (Tests/deploy/check_shutdown.py).
# Installs Debian's nginx, openssl and kubectl when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=(openssl)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || extra+=(nginx-light)
if ! command -v kubectl >/dev/null 2>&1; then
  # Debian's own kubernetes-client (1.20) is too old for kustomize v5 manifests.
  if apt-cache policy kubectl 2>/dev/null | grep -q "Candidate: [0-9]"; then
    extra+=(kubectl)
  else
    echo "error: the Kubernetes check needs kubectl 1.27 or newer (kustomize v5): add the Kubernetes" >&2
    echo "apt repository (https://pkgs.k8s.io) or put kubectl on PATH, then run make test again." >&2
    exit 1
  fi
fi
command -v systemd-analyze >/dev/null 2>&1 || extra+=(systemd)
scripts/install-deps.sh "${extra[@]}"

python3 Tests/deploy/check_nginx.py .build/debug/galley
python3 Tests/deploy/check_shutdown.py .build/debug/galley

venv=.build/venv-tests
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import kubernetes_validate, yaml" 2>/dev/null \
  || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==1.*" "PyYAML==6.*"
"$venv/bin/python" Tests/deploy/check_kubernetes.py

# The unit as installed, but pointing at the binary just built.
unit_dir=$(mktemp -d)
trap 'rm -rf "$unit_dir"' EXIT
sed "s|/usr/local/bin/galley|$PWD/.build/debug/galley|" deploy/systemd/galley.service > "$unit_dir/galley.service"
if output=$(systemd-analyze verify "$unit_dir/galley.service" 2>&1) && [ -z "$output" ]; then
  echo "systemd: galley.service verified"
else
  echo "systemd: galley.service has problems:"; echo "$output"; exit 1
fi
