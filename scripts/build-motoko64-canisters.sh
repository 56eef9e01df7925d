#!/usr/bin/env bash
# Rebuilds the Motoko test canisters in src/test/resources/motoko64: today's
# compiler, whose canisters are wasm64.
#
# Every *.mo file in that directory is a `persistent actor` compiled with the
# official Motoko compiler shipped in the npm package `motoko@4.10.0` (moc,
# compiled to JS) against the `core` library bundled in it
# (packages/latest/core.json, imported as `mo:core/...`; this version bundles
# no `base`). That version emits memory64 modules with enhanced orthogonal
# persistence: the whole heap is the stable state and is kept across an
# upgrade with wasm_memory_persistence = keep. For each X.mo this writes:
#
#   X.wasm  the canister module (mode 'ic', importing the 64-bit ic0 System API)
#   X.did   its Candid service interface
#
# Files in subdirectories (classes/Child.mo, the actor class parent.mo
# instantiates) are imported by the actors, not compiled on their own.
#
# and fails unless each module has a memory64 memory (limits flag 0x04) and
# the custom section `icp:private enhanced-orthogonal-persistence`.
#
# bench.mo uses no library, so the same source is also built by
# `motoko@3.9.7` into bench32/bench.wasm (wasm32, classic persistence), for
# a side-by-side benchmark of the two targets. The 3.9.7 corpus in
# src/test/resources/motoko is build-motoko-canisters.sh's, untouched here.
#
# The outputs are committed so tests need neither node nor npm; rerun this
# script after editing any .mo. node_modules go to scratch directories
# (MOC_DIR, default /tmp/moc4, for 4.10.0; MOC32_DIR, default /tmp/moc as in
# build-motoko-canisters.sh, for 3.9.7), never into the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/motoko64

command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
node scripts/motoko-compile.js --version 4.10.0 --moc-dir "${MOC_DIR:-/tmp/moc4}" --library core \
  --target wasm64 --out "$dir" "$dir"/*.mo
node scripts/motoko-compile.js --version 3.9.7 --moc-dir "${MOC32_DIR:-/tmp/moc}" --library base \
  --target wasm32 --out "$dir/bench32" "$dir/bench.mo"
