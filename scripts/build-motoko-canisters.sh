#!/usr/bin/env bash
# Rebuilds the Motoko test canisters in src/test/resources/motoko.
#
# Every *.mo file in that directory is an actor compiled with the official
# Motoko compiler shipped in the npm package `motoko@3.9.7` (moc, compiled to
# JS). That version emits classic 32-bit canisters (memory32, classic
# persistence); newer versions emit memory64 modules, which the host cannot
# run. For each X.mo this writes:
#
#   X.wasm  the canister module (mode 'ic', i.e. importing the ic0 System API)
#   X.did   its Candid service interface
#
# The base library (`import "mo:base/..."`) is the one bundled in the npm
# package (packages/latest/base.json).
#
# The outputs are committed so tests need neither node nor npm; rerun this
# script after editing any .mo. node_modules goes to a scratch directory
# (MOC_DIR, default /tmp/moc), never into the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="$PWD/src/test/resources/motoko"
moc_dir="${MOC_DIR:-/tmp/moc}"
moc_version=3.9.7

command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm not found (apt-get install npm)" >&2; exit 1; }

installed=$(node -p "try { require('$moc_dir/node_modules/motoko/package.json').version } catch (e) { '' }")
if [ "$installed" != "$moc_version" ]; then
  mkdir -p "$moc_dir"
  npm install --prefix "$moc_dir" --no-save --no-audit --no-fund "motoko@$moc_version" >&2
fi

MOTOKO_PKG="$moc_dir/node_modules/motoko" MO_DIR="$dir" node - <<'JS'
const fs = require('fs');
const path = require('path');

const pkgDir = process.env.MOTOKO_PKG;
const dir = process.env.MO_DIR;
// The base library bundled with the package.
const basePath = path.join(pkgDir, 'packages', 'latest', 'base.json');
const base = JSON.parse(fs.readFileSync(basePath, 'utf8'));

// A fresh compiler for every file: moc keeps counters across compilations in
// one instance (they show up in the local names of the "name" section), so
// reusing it would make each output depend on which files came before it.
function freshCompiler() {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(path.resolve(pkgDir) + path.sep)) delete require.cache[key];
  }
  const mo = require(pkgDir);
  mo.loadPackage(base);
  return mo;
}

const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.mo')).sort();
if (sources.length === 0) throw new Error(`no .mo files in ${dir}`);

let failed = false;
for (const file of sources) {
  const name = path.basename(file, '.mo');
  const mo = freshCompiler();
  mo.write(file, fs.readFileSync(path.join(dir, file), 'utf8'));
  const diagnostics = mo.check(file) || [];
  for (const d of diagnostics) {
    const sev = d.severity === 1 ? 'error' : 'warning';
    const line = d.range ? d.range.start.line + 1 : '?';
    console.error(`${file}:${line}: ${sev}: ${d.message}`);
  }
  if (diagnostics.some((d) => d.severity === 1)) { failed = true; continue; }
  const { wasm, candid } = mo.wasm(file, 'ic');
  const bytes = Buffer.from(wasm);
  if (!bytes.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d]))) {
    throw new Error(`${file}: compiler output is not a wasm module`);
  }
  fs.writeFileSync(path.join(dir, `${name}.wasm`), bytes);
  fs.writeFileSync(path.join(dir, `${name}.did`), candid.endsWith('\n') ? candid : candid + '\n');
  console.log(`built ${name}.wasm (${bytes.length} bytes) and ${name}.did`);
}
if (failed) process.exit(1);
JS
