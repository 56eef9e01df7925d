#!/usr/bin/env bash
# Rebuilds the metering / benchmark canisters in src/test/resources/metering.
#
#   *.wat      -> *.wasm via `wat2wasm --enable-all` (wabt; apt-get install wabt)
#   sha256.c   -> sha256.wasm via clang 14 for wasm32 without libc
#                 (apt-get install clang lld): -O2 -nostdlib -fno-builtin
#                 (so clang does not turn the memset/memcpy loops into calls to
#                 themselves), --no-entry, 2 MiB initial memory (1 MiB buffer +
#                 stack), no maximum.
#
# Then checks every module: imports only from the allowed ic0 subset, no start
# section, no SIMD / threads, and no f32/f64 anywhere except float.wasm.
#
# The built .wasm files are committed next to their sources so tests need none
# of these tools; rerun this script after editing a source. Reruns are
# byte-identical (clang/wasm-ld and wabt are deterministic; no paths or
# timestamps end up in the output: no -g, so no DWARF).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/metering

for tool in wat2wasm wasm2wat clang wasm-ld; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install clang lld wabt)" >&2; exit 1; }
done

for wat in "$dir"/*.wat; do
  wat2wasm --enable-all "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done

# Built from inside the directory so that only the relative file name could
# ever reach the output.
(
  cd "$dir"
  clang --target=wasm32 -O2 -nostdlib -fno-builtin \
    -Wl,--no-entry -Wl,--initial-memory=2097152 \
    -I ../c -o sha256.wasm sha256.c
  chmod 644 sha256.wasm # wasm-ld marks its output executable
)
echo "built $dir/sha256.wasm"

# ---------------------------------------------------------------------------
# Checks.
allowed=" msg_arg_data_size msg_arg_data_copy msg_caller_size msg_caller_copy msg_reply_data_append"
allowed+=" msg_reply msg_reject trap debug_print time performance_counter "
for wasm in "$dir"/*.wasm; do
  name=$(basename "$wasm" .wasm)
  wat=$(wasm2wat --enable-all "$wasm")
  while read -r module field; do
    [ "$module" = ic0 ] || { echo "$wasm: import from module '$module'" >&2; exit 1; }
    case "$allowed" in *" $field "*) ;; *) echo "$wasm: import ic0.$field not allowed" >&2; exit 1 ;; esac
  done < <(sed -n 's/^ *(import "\([^"]*\)" "\([^"]*\)".*/\1 \2/p' <<<"$wat")
  if grep -qE '^ *\(start ' <<<"$wat"; then echo "$wasm: has a start section" >&2; exit 1; fi
  if grep -qE 'v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|atomic|shared' <<<"$wat"; then
    echo "$wasm: uses SIMD or threads" >&2; exit 1
  fi
  floats=$(grep -cE 'f32|f64' <<<"$wat" || true)
  if [ "$name" != float ] && [ "$floats" -ne 0 ]; then
    echo "$wasm: $floats lines mention f32/f64" >&2; exit 1
  fi
done
echo "checked $dir/*.wasm"
