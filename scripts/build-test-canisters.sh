#!/usr/bin/env bash
# Rebuilds the test canisters in src/test/resources/canisters.
#
#   *.wat          -> *.wasm via `wat2wasm --enable-all` (wabt; apt-get install wabt)
#   garbage.wasm   -> 64 fixed pseudo-random bytes (SHA-256 of two constant
#                     strings, concatenated). Deterministic, and checked below
#                     not to start with the "\0asm" magic: the host must reject
#                     it as "not a wasm module".
#   truncated.wasm -> first half (floor(size/2) bytes) of counter.wasm: valid
#                     magic/version header but a cut-off section, so the host
#                     must reject it as a malformed module.
#
# The built .wasm files are committed next to their .wat sources so tests do
# not need wabt; rerun this script after editing any .wat.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/canisters

command -v wat2wasm >/dev/null || { echo "wat2wasm not found (apt-get install wabt)" >&2; exit 1; }

for wat in "$dir"/*.wat; do
  wasm="${wat%.wat}.wasm"
  wat2wasm --enable-all "$wat" -o "$wasm"
  echo "built $wasm"
done

# garbage.wasm: 2 x 32 bytes of SHA-256 output.
{
  printf '%s' 'canister-host garbage.wasm part 1' | sha256sum | cut -c1-64
  printf '%s' 'canister-host garbage.wasm part 2' | sha256sum | cut -c1-64
} | tr -d '\n' | xxd -r -p > "$dir/garbage.wasm"
if [ "$(head -c 4 "$dir/garbage.wasm" | xxd -p)" = "0061736d" ]; then
  echo "garbage.wasm unexpectedly starts with the wasm magic" >&2; exit 1
fi
[ "$(wc -c < "$dir/garbage.wasm")" -eq 64 ] || { echo "garbage.wasm is not 64 bytes" >&2; exit 1; }
echo "built $dir/garbage.wasm"

# truncated.wasm: counter.wasm cut to its first half.
size=$(wc -c < "$dir/counter.wasm")
head -c $(( size / 2 )) "$dir/counter.wasm" > "$dir/truncated.wasm"
echo "built $dir/truncated.wasm ($(( size / 2 )) of $size bytes)"
