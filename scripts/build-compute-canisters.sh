#!/usr/bin/env bash
# Rebuilds the compute corpus canisters in src/test/resources/compute (bench/compute.sh measures them).
#
#   compute.c -> compute.wasm via clang 14 for wasm32 without libc (apt-get install clang lld):
#                -O2 -nostdlib -fno-builtin (no loop turned into a memset/memcpy call: there is no libc),
#                -mbulk-memory (__builtin_memcpy/memmove/memset become memory.copy / memory.fill),
#                --no-entry, 20 MiB initial memory (1 MiB buffer + 16 MiB cycle + stack), no maximum.
#
# Then checks the module: imports only from the allowed ic0 subset, no start section, no SIMD / threads,
# no f32/f64, an exported memory, and memory.copy and memory.fill both present (so `bulk` measures them).
#
#   workload.mo -> workload.wasm (+ workload.did) via moc from the npm package motoko@4.10.0 with its core library
#                (wasm64, enhanced orthogonal persistence; scripts/motoko-compile.js installs it under MOC_DIR,
#                default /tmp/moc4, never into the repository).
#
# compute.wasm and workload.wasm are committed next to their sources so tests and benchmarks need none of these tools; rerun this
# script after editing either. Reruns are byte-identical (no -g, so no paths or DWARF in compute.wasm).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/compute

for tool in wasm2wat clang wasm-ld; do
  command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install clang lld wabt)" >&2; exit 1; }
done

(
  cd "$dir"
  clang --target=wasm32 -O2 -nostdlib -fno-builtin -mbulk-memory \
    -Wl,--no-entry -Wl,--initial-memory=20971520 \
    -I ../c -o compute.wasm compute.c
  chmod 644 compute.wasm # wasm-ld marks its output executable
)
echo "built $dir/compute.wasm"

allowed=" msg_arg_data_size msg_arg_data_copy msg_caller_size msg_caller_copy msg_reply_data_append"
allowed+=" msg_reply msg_reject trap debug_print time performance_counter "
wasm=$dir/compute.wasm
wat=$(wasm2wat --enable-all "$wasm")
while read -r module field; do
  [ "$module" = ic0 ] || { echo "$wasm: import from module '$module'" >&2; exit 1; }
  case "$allowed" in *" $field "*) ;; *) echo "$wasm: import ic0.$field not allowed" >&2; exit 1 ;; esac
done < <(sed -n 's/^ *(import "\([^"]*\)" "\([^"]*\)".*/\1 \2/p' <<<"$wat")
if grep -qE '^ *\(start ' <<<"$wat"; then echo "$wasm: has a start section" >&2; exit 1; fi
if grep -qE 'v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2|atomic|shared' <<<"$wat"; then
  echo "$wasm: uses SIMD or threads" >&2; exit 1
fi
if grep -qE 'f32|f64' <<<"$wat"; then echo "$wasm: mentions f32/f64" >&2; exit 1; fi
grep -q '(export "memory" (memory' <<<"$wat" || { echo "$wasm: no exported memory" >&2; exit 1; }
for op in memory.copy memory.fill; do
  grep -q "$op" <<<"$wat" || { echo "$wasm: no $op (bulk would not measure it)" >&2; exit 1; }
done
echo "checked $wasm"

command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
node scripts/motoko-compile.js --version 4.10.0 --moc-dir "${MOC_DIR:-/tmp/moc4}" --library core \
  --target wasm64 --out "$dir" "$dir/workload.mo"
