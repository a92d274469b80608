#!/usr/bin/env bash
# Installs the peers that scripts/bench-peer.sh compares nexus with:
#   KCL: PyPI kcl-lib, pinned, into the repo-local venv .tools/peers-venv;
#   jsonnet: Debian's C++ jsonnet (apt-get; needs root or sudo).
# Idempotent. Prints the venv's python on stdout (bench-peer.sh runs KCL with it).
# Not part of .ci/run: the benchmarks are run by hand (docs/performance.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.tools/peers-venv"
KCL_LIB_VERSION="0.13.2"

log() { printf '[peers] %s\n' "$*" >&2; }

if ! "$VENV/bin/python" -c 'import kcl_lib' 2>/dev/null; then
  log "kcl-lib $KCL_LIB_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "kcl-lib==$KCL_LIB_VERSION" >&2
fi

if ! command -v jsonnet >/dev/null 2>&1; then
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
    log "jsonnet (Debian)"
    "${SUDO[@]}" apt-get update -qq >&2
    "${SUDO[@]}" apt-get install -y -qq jsonnet >&2
  else
    log "jsonnet not installed: not root and no sudo"
  fi
fi

echo "$VENV/bin/python"
