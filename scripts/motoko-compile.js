// Compiles Motoko actors with the official compiler from the npm package
// `motoko` (moc compiled to JS), for scripts/build-motoko-canisters.sh and
// scripts/build-motoko64-canisters.sh.
//
//   node motoko-compile.js --version V --moc-dir D --library NAME
//                          --target wasm32|wasm64 --out DIR SOURCE.mo...
//
// installs motoko@V under D (a scratch directory, never the repository)
// unless it is there already, loads the library bundled with the package
// (packages/latest/NAME.json: `base` in 3.x, `core` in 4.x, imported as
// mo:NAME/...), and writes for every SOURCE.mo, X.mo:
//
//   DIR/X.wasm  the canister module (mode 'ic', importing the ic0 System API)
//   DIR/X.did   its Candid service interface
//
// Each module is checked against the target and the script fails otherwise:
// wasm64 means a memory64 memory (limits flag 0x04) and the custom section
// `icp:private enhanced-orthogonal-persistence`; wasm32 a 32-bit memory
// without it (classic persistence).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const EOP_SECTION = 'icp:private enhanced-orthogonal-persistence';

function parseArgs(argv) {
  const options = { sources: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) options[arg.slice(2)] = argv[++i];
    else options.sources.push(arg);
  }
  for (const key of ['version', 'moc-dir', 'library', 'target', 'out']) {
    if (!options[key]) throw new Error(`missing --${key}`);
  }
  if (!['wasm32', 'wasm64'].includes(options.target)) throw new Error(`bad --target ${options.target}`);
  if (options.sources.length === 0) throw new Error('no .mo sources given');
  return options;
}

function installCompiler(mocDir, version) {
  const pkgDir = path.resolve(mocDir, 'node_modules', 'motoko');
  let installed = '';
  try {
    installed = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch (e) {
    // not installed yet
  }
  if (installed !== version) {
    fs.mkdirSync(mocDir, { recursive: true });
    try {
      execFileSync('npm', ['install', '--prefix', mocDir, '--no-save', '--no-audit', '--no-fund', `motoko@${version}`],
        { stdio: ['ignore', process.stderr, process.stderr] });
    } catch (e) {
      console.error(e.code === 'ENOENT' ? 'npm not found (apt-get install npm)' : `npm install motoko@${version} failed`);
      process.exit(1);
    }
  }
  return pkgDir;
}

// A fresh compiler for every file: moc keeps counters across compilations in
// one instance (they show up in the local names of the "name" section), so
// reusing it would make each output depend on which files came before it.
function freshCompiler(pkgDir, library) {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(pkgDir + path.sep)) delete require.cache[key];
  }
  const mo = require(pkgDir);
  mo.loadPackage(library);
  return mo;
}

// The memory limits flags and the custom section names of a module.
function layout(bytes) {
  const leb = (state) => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[state.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const memoryFlags = [];
  const customSections = [];
  const state = { pos: 8 };
  while (state.pos < bytes.length) {
    const id = bytes[state.pos++];
    const size = leb(state);
    const end = state.pos + size;
    if (id === 0) {
      const length = leb(state);
      customSections.push(bytes.subarray(state.pos, state.pos + length).toString('utf8'));
    } else if (id === 5) {
      const count = leb(state);
      for (let i = 0; i < count; i++) {
        const flags = bytes[state.pos++];
        memoryFlags.push(flags);
        leb(state);
        if (flags & 0x01) leb(state);
      }
    }
    state.pos = end;
  }
  return { memoryFlags, customSections };
}

// What keeps a module from being a Motoko module of the target, if anything.
function targetProblems(bytes, target) {
  if (!bytes.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d]))) return ['not a wasm module'];
  const { memoryFlags, customSections } = layout(bytes);
  const memory64 = memoryFlags.length === 1 && (memoryFlags[0] & 0x04) !== 0;
  const eop = customSections.includes(EOP_SECTION);
  const problems = [];
  if (memoryFlags.length !== 1) problems.push(`${memoryFlags.length} memories`);
  if (target === 'wasm64' && !memory64) problems.push('memory is not memory64');
  if (target === 'wasm64' && !eop) problems.push(`no custom section "${EOP_SECTION}"`);
  if (target === 'wasm32' && memory64) problems.push('memory is memory64');
  if (target === 'wasm32' && eop) problems.push(`custom section "${EOP_SECTION}"`);
  return problems;
}

// The .mo files in the source's subdirectories, at their relative paths, so that an actor can import one
// (`import Child "classes/Child"`, an actor class); top-level files are compiled each on its own.
function writeImports(mo, dir, prefix) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) writeImports(mo, path.join(dir, entry.name), relative + '/');
    else if (prefix !== '' && entry.name.endsWith('.mo')) {
      mo.write(relative, fs.readFileSync(path.join(dir, entry.name), 'utf8'));
    }
  }
}

const options = parseArgs(process.argv.slice(2));
const pkgDir = installCompiler(options['moc-dir'], options.version);
const libraryPath = path.join(pkgDir, 'packages', 'latest', `${options.library}.json`);
const library = JSON.parse(fs.readFileSync(libraryPath, 'utf8'));
fs.mkdirSync(options.out, { recursive: true });

let failed = false;
for (const source of options.sources) {
  const file = path.basename(source);
  const name = path.basename(file, '.mo');
  const mo = freshCompiler(pkgDir, library);
  writeImports(mo, path.dirname(source), '');
  mo.write(file, fs.readFileSync(source, 'utf8'));
  const diagnostics = mo.check(file) || [];
  for (const d of diagnostics) {
    const severity = d.severity === 1 ? 'error' : 'warning';
    const line = d.range ? d.range.start.line + 1 : '?';
    console.error(`${file}:${line}: ${severity}: ${d.message}`);
  }
  if (diagnostics.some((d) => d.severity === 1)) {
    failed = true;
    continue;
  }
  const { wasm, candid } = mo.wasm(file, 'ic');
  const bytes = Buffer.from(wasm);
  const problems = targetProblems(bytes, options.target);
  if (problems.length > 0) {
    console.error(`${file}: not a ${options.target} Motoko module (${problems.join(', ')}); nothing written`);
    failed = true;
    continue;
  }
  const out = path.join(options.out, name);
  fs.writeFileSync(`${out}.wasm`, bytes);
  fs.writeFileSync(`${out}.did`, candid.endsWith('\n') ? candid : candid + '\n');
  console.log(`built ${path.relative(process.cwd(), out)}.wasm (${bytes.length} bytes, ${options.target}, ` +
    `motoko@${options.version}) and ${name}.did`);
}
if (failed) process.exit(1);
