#!/usr/bin/env bash
# Rebuilds the state canisters in src/test/resources/state (bigheap, smallheap: see their .wat headers; used by
# bench/heap-persistence.sh).
#
#   *.wat -> *.wasm via `wat2wasm --enable-all` (wabt; apt-get install wabt)
#
# The built .wasm files are committed next to their .wat sources so the benchmark does not need wabt; rerun this
# script after editing any .wat.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/state

command -v wat2wasm >/dev/null || { echo "wat2wasm not found (apt-get install wabt)" >&2; exit 1; }

for wat in "$dir"/*.wat; do
  wasm="${wat%.wat}.wasm"
  wat2wasm --enable-all "$wat" -o "$wasm"
  echo "built $wasm ($(wc -c < "$wasm") bytes)"
done
