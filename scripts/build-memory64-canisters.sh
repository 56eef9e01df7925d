#!/usr/bin/env bash
# Rebuilds the wasm64 (memory64) test modules in src/test/resources/memory64.
#
#   *.wat, refused/*.wat -> *.wasm via wabt's wat2wasm from the npm package wabt@1.0.39 (the Debian wabt 1.0.32
#                           refuses 64-bit tables), with --enable-memory64 --enable-threads --enable-multi-memory;
#                           --no-check for the refused modules that are invalid on purpose (mixed widths, a memory
#                           over 2^48 pages), which wabt itself would refuse.
#   moc_counter.mo       -> moc_counter.wasm and moc_counter.did with the Motoko compiler of the npm package
#                           motoko@4.10.0 (mode 'ic'), which builds every actor as a wasm64 module.
#
# The outputs are committed so tests need neither node nor npm; rerun this script after editing a source.
# node_modules goes to a scratch directory (TOOLS_DIR, default /tmp/memory64-tools), never into the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="$PWD/src/test/resources/memory64"
tools="${TOOLS_DIR:-/tmp/memory64-tools}"

command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm not found (apt-get install npm)" >&2; exit 1; }
version() { node -p "try { require('$tools/node_modules/$1/package.json').version } catch (e) { '' }"; }
if [ "$(version wabt)" != 1.0.39 ] || [ "$(version motoko)" != 4.10.0 ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund wabt@1.0.39 motoko@4.10.0 >&2
fi
wat2wasm="$tools/node_modules/.bin/wat2wasm"

invalid=" data_i32_offset elem_i32_offset i32_address huge_memory "
for wat in "$dir"/*.wat "$dir"/refused/*.wat; do
  flags=(--enable-memory64 --enable-threads --enable-multi-memory)
  case "$invalid" in *" $(basename "$wat" .wat) "*) flags+=(--no-check) ;; esac
  "$wat2wasm" "${flags[@]}" "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done

MOTOKO_PKG="$tools/node_modules/motoko" MO_DIR="$dir" node - <<'JS'
const fs = require('fs');
const path = require('path');
const mo = require(process.env.MOTOKO_PKG);
const dir = process.env.MO_DIR;
const file = 'moc_counter.mo';
mo.write(file, fs.readFileSync(path.join(dir, file), 'utf8'));
const errors = (mo.check(file) || []).filter((d) => d.severity === 1);
if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
const { wasm, candid } = mo.wasm(file, 'ic');
fs.writeFileSync(path.join(dir, 'moc_counter.wasm'), Buffer.from(wasm));
fs.writeFileSync(path.join(dir, 'moc_counter.did'), candid.endsWith('\n') ? candid : candid + '\n');
console.log(`built moc_counter.wasm (${wasm.length} bytes) and moc_counter.did`);
JS
