// V8 baseline for the compute corpus (src/test/resources/compute): runs a plain .wasm (not instrumented) natively
// JIT-compiled by Node's V8, calling each `canister_query <method>` export the way the host would, with stub ic0
// imports: a fixed argument (hex, or '-' for none: compute.c's methods then do their default amount of work) and a
// msg_reply_data_append that records the reply, so the checksum can be compared with the Java engines'. Every
// other ic0 function answers 0. For a module with 64-bit ic0 functions (a lowered wasm64 module: Node 20 runs
// neither memory64 nor table64), pass the result types in a sidecar file `<wasm>.imports` (lines `name i32|i64|-`,
// which ComputeEngine writes); without one, every import is taken to answer an i32.
//
// Usage (Node 20, no npm packages), from the repository root:
//   node bench/v8/compute.mjs [runs=10] [methods=bytes,words,bulk,chase] [argument=-] [wasm=.../compute.wasm]
// The module's start function (if any) and canister_init run once first; then per method 3 warm-up calls and
// `runs` measured ones, each printed, then one summary line per method:
//   v8 compute method=M runs=K median_ms=... mean_ms=... min_ms=... max_ms=... reply=<hex>
// Every call gets a fresh instance, with its own canister_init (not timed).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number.parseInt(process.argv[2] ?? '10', 10);
const methods = (process.argv[3] ?? 'bytes,words,bulk,chase').split(',').filter((m) => m);
const argHex = process.argv[4] && process.argv[4] !== '-' && process.argv[4] !== 'default' ? process.argv[4] : '';
const wasmPath = resolve(process.argv[5] ?? resolve(repoRoot, 'src/test/resources/compute/compute.wasm'));
const WARMUP = 3;

if (!(runs >= 1) || methods.length === 0 || !/^([0-9a-f]{2})*$/i.test(argHex)) {
  console.error('usage: node bench/v8/compute.mjs [runs>=1] [methods] [argument hex|-] [path/to/module.wasm]');
  process.exit(2);
}

const module = new WebAssembly.Module(readFileSync(wasmPath));
const arg = Uint8Array.from(argHex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const results = new Map(); // import name -> 'i32' | 'i64' | '-'
if (existsSync(wasmPath + '.imports')) {
  for (const line of readFileSync(wasmPath + '.imports', 'utf8').split('\n').filter((l) => l)) {
    const [name, result] = line.split(' ');
    results.set(name, result);
  }
}

function instantiate() {
  let memory = null;
  let reply = [];
  const n = Number; // 64-bit ic0 functions take their addresses and sizes as BigInt
  const ic0 = {
    msg_arg_data_size: () => arg.length,
    msg_arg_data_copy: (dst, offset, size) => {
      new Uint8Array(memory.buffer, n(dst), n(size)).set(arg.subarray(n(offset), n(offset) + n(size)));
    },
    msg_reply_data_append: (src, size) => {
      reply.push(Buffer.from(new Uint8Array(memory.buffer, n(src), n(size))));
    },
    msg_reply: () => {},
    trap: (src, size) => {
      throw new Error('trap: ' + Buffer.from(new Uint8Array(memory.buffer, n(src), n(size))).toString());
    },
  };
  const imports = { ic0: {} };
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function' || mod !== 'ic0') throw new Error(`unexpected import ${mod}.${name}`);
    const result = results.get(name) ?? 'i32';
    const known = ic0[name];
    const fixed = result === 'i64' ? (v) => BigInt(v ?? 0) : result === '-' ? () => undefined : (v) => v ?? 0;
    imports.ic0[name] = (...args) => fixed(known ? known(...args) : 0);
  }
  const { exports } = new WebAssembly.Instance(module, imports); // runs the start function, if any
  memory = Object.values(exports).find((e) => e instanceof WebAssembly.Memory); // compute.c: memory, moc: mem
  exports['canister_init']();
  return (method) => {
    reply = [];
    exports[`canister_query ${method}`]();
    return Buffer.concat(reply).toString('hex');
  };
}

for (const method of methods) {
  // A fresh instance for every call (not timed), installed as on the host: every call starts from the state
  // canister_init left, as a query does there (it keeps nothing; Motoko's runtime traps on a second query over a
  // state a query left). The compiled code belongs to the module, so V8's tiering carries over between instances.
  const once = () => {
    const call = instantiate();
    const start = process.hrtime.bigint();
    const reply = call(method);
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, reply };
  };
  let reply = null;
  for (let i = 0; i < WARMUP; i++) {
    const r = once();
    console.log(`${method} warmup ${i + 1}/${WARMUP} ms=${r.ms.toFixed(3)}`);
    if (reply !== null && r.reply !== reply) throw new Error(`${method}: reply changed: ${reply} vs ${r.reply}`);
    reply = r.reply;
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const r = once();
    if (r.reply !== reply) throw new Error(`${method}: reply changed: ${reply} vs ${r.reply}`);
    times.push(r.ms);
    console.log(`${method} run ${i + 1}/${runs} ms=${r.ms.toFixed(3)}`);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  console.log(
    `v8 compute method=${method} runs=${runs} median_ms=${median.toFixed(3)} mean_ms=${mean.toFixed(3)} min_ms=${Math.min(...times).toFixed(3)} ` +
      `max_ms=${Math.max(...times).toFixed(3)} reply=${reply}`,
  );
}
