#!/usr/bin/env bash
# Rebuilds the Motoko test canisters in src/test/resources/motoko.
#
# Every *.mo file in that directory is an actor compiled with the official
# Motoko compiler shipped in the npm package `motoko@3.9.7` (moc, compiled to
# JS). That version emits classic 32-bit canisters (memory32, classic
# persistence); newer versions emit memory64 modules with enhanced orthogonal
# persistence (their corpus is src/test/resources/motoko64, rebuilt by
# build-motoko64-canisters.sh). For each X.mo this writes:
#
#   X.wasm  the canister module (mode 'ic', i.e. importing the ic0 System API)
#   X.did   its Candid service interface
#
# Files in subdirectories (classes/Child.mo, the actor class parent.mo
# instantiates) are imported by the actors, not compiled on their own.
#
# The base library (`import "mo:base/..."`) is the one bundled in the npm
# package (packages/latest/base.json). scripts/motoko-compile.js does the
# work and checks that every module is a 32-bit one.
#
# The outputs are committed so tests need neither node nor npm; rerun this
# script after editing any .mo. node_modules goes to a scratch directory
# (MOC_DIR, default /tmp/moc), never into the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/motoko

command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
node scripts/motoko-compile.js --version 3.9.7 --moc-dir "${MOC_DIR:-/tmp/moc}" --library base \
  --target wasm32 --out "$dir" "$dir"/*.mo
