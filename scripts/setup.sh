#!/usr/bin/env bash
# Installs the Debian packages orgraph needs to build, test and run its demo, when missing.
# Uses sudo when not root. Safe to run repeatedly: it does nothing when all is present.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libboost-graph-dev libtbb-dev rapidjson-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-networkx python3-pil nodejs npm chromium
)
if [ "${ORGRAPH_SETUP_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${ORGRAPH_SETUP_EXTRA})
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# nodejs/npm may come from elsewhere (e.g. a NodeSource build); accept working binaries.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]+"${missing[@]}"}"; do
    case "$p" in nodejs|npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

# The JavaScript libraries the export tests open exports with, pinned by
# tests/tools/package-lock.json; installed again when the lock file is newer than the install.
npm_tools() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/tools"
  [ -f "$dir/package-lock.json" ] || return 0
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in tests/tools"
    (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  npm_tools
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
npm_tools
