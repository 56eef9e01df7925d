// V8 baseline for the sha256 canister: runs the same .wasm the Java host runs,
// but natively JIT-compiled by Node's V8, to put the Chicory numbers in context.
//
// Usage (Node 20, no npm packages), from the repository root:
//   node bench/v8/sha256.mjs [rounds=8] [runs=10] [wasm=src/test/resources/metering/sha256.wasm]
//
// Each run calls the module's plain export bench_run(rounds), which hashes
// `rounds` MiB (see sha256.c) and returns a pointer to the 32-byte digest.
// 3 warm-up runs, then `runs` measured ones; one line per measurement, then
//   v8 sha256 rounds=R runs=K mean_ms=... min_ms=... max_ms=... mib_per_s=... digest=<hex>
// The digest must equal what `canister_update run` replies for the same rounds
// (N = 1: 06b7bbfb..., N = 8: e0a2372b...; see sha256.c).
//
// The ic0 imports are stubs (no-ops returning 0, or 0n for the i64 ones);
// bench_run never calls them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rounds = Number.parseInt(process.argv[2] ?? '8', 10);
const runs = Number.parseInt(process.argv[3] ?? '10', 10);
const wasmPath = resolve(process.argv[4] ?? resolve(repoRoot, 'src/test/resources/metering/sha256.wasm'));
const WARMUP = 3;

if (!(rounds >= 0 && rounds <= 0xffffffff) || !(runs >= 1)) {
  console.error('usage: node bench/v8/sha256.mjs [rounds>=0] [runs>=1] [path/to/sha256.wasm]');
  process.exit(2);
}

const module = new WebAssembly.Module(readFileSync(wasmPath));

// ic0 functions with an i64 result need a BigInt; everything else gets 0
// (ignored for functions without a result).
const I64_RESULT = new Set(['time', 'performance_counter']);
const imports = {};
for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
  if (kind !== 'function') throw new Error(`unexpected ${kind} import ${mod}.${name}`);
  imports[mod] ??= {};
  imports[mod][name] = I64_RESULT.has(name) ? () => 0n : () => 0;
}
const { exports } = new WebAssembly.Instance(module, imports);
const memory = exports.memory;
const benchRun = exports.bench_run;

function runOnce() {
  const start = process.hrtime.bigint();
  const ptr = benchRun(rounds) >>> 0;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const digest = Buffer.from(new Uint8Array(memory.buffer, ptr, 32)).toString('hex');
  return { ms, digest };
}

let digest = null;
for (let i = 0; i < WARMUP; i++) {
  const r = runOnce();
  console.log(`warmup ${i + 1}/${WARMUP} ms=${r.ms.toFixed(3)}`);
  digest = r.digest;
}
const times = [];
for (let i = 0; i < runs; i++) {
  const r = runOnce();
  if (r.digest !== digest) throw new Error(`digest changed between runs: ${digest} vs ${r.digest}`);
  times.push(r.ms);
  console.log(`run ${i + 1}/${runs} ms=${r.ms.toFixed(3)}`);
}
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const min = Math.min(...times);
const max = Math.max(...times);
const mib = Math.max(rounds, 1); // rounds = 0 hashes once, like rounds = 1
console.log(
  `v8 sha256 rounds=${rounds} runs=${runs} mean_ms=${mean.toFixed(3)} min_ms=${min.toFixed(3)} ` +
    `max_ms=${max.toFixed(3)} mib_per_s=${(mib / (mean / 1000)).toFixed(1)} digest=${digest}`,
);
