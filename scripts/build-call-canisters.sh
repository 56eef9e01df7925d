#!/usr/bin/env bash
# Rebuilds the inter-canister call test canisters in src/test/resources/calls:
#   *.wat -> *.wasm via `wat2wasm --enable-all` (wabt; apt-get install wabt). Reruns are byte-identical.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/calls
command -v wat2wasm >/dev/null || { echo "wat2wasm not found (apt-get install wabt)" >&2; exit 1; }
for wat in "$dir"/*.wat; do
  wat2wasm --enable-all "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done
