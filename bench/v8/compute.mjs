// V8 baseline for the compute corpus canister (src/test/resources/compute/compute.c): runs the plain .wasm (not
// instrumented) natively JIT-compiled by Node's V8, calling each `canister_query <method>` export the way the host
// would, with stub ic0 imports: an empty argument (the default amount of work, or a 4-byte LE u32 if given) and a
// msg_reply_data_append that records the reply, so the checksum can be compared with the Java engines'.
//
// Usage (Node 20, no npm packages), from the repository root:
//   node bench/v8/compute.mjs [runs=10] [methods=bytes,words,bulk,chase] [work=default] [wasm=.../compute.wasm]
// canister_init runs once first (it builds the 16 MiB cycle chase walks); then per method 3 warm-up calls and
// `runs` measured ones, each printed, then one summary line per method:
//   v8 compute method=M runs=K median_ms=... mean_ms=... min_ms=... max_ms=... reply=<hex>
// Each method gets a fresh instance (with its own canister_init), so one method's JIT state does not carry over.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runs = Number.parseInt(process.argv[2] ?? '10', 10);
const methods = (process.argv[3] ?? 'bytes,words,bulk,chase').split(',').filter((m) => m);
const work = process.argv[4] && process.argv[4] !== 'default' ? Number.parseInt(process.argv[4], 10) : null;
const wasmPath = resolve(process.argv[5] ?? resolve(repoRoot, 'src/test/resources/compute/compute.wasm'));
const WARMUP = 3;

if (!(runs >= 1) || methods.length === 0) {
  console.error('usage: node bench/v8/compute.mjs [runs>=1] [methods] [work|default] [path/to/compute.wasm]');
  process.exit(2);
}

const module = new WebAssembly.Module(readFileSync(wasmPath));
const arg = work === null ? new Uint8Array(0) : new Uint8Array(new Uint32Array([work]).buffer);

function instantiate() {
  let memory = null;
  let reply = [];
  const ic0 = {
    msg_arg_data_size: () => arg.length,
    msg_arg_data_copy: (dst, offset, size) => {
      new Uint8Array(memory.buffer, dst >>> 0, size >>> 0).set(arg.subarray(offset >>> 0, (offset >>> 0) + (size >>> 0)));
    },
    msg_reply_data_append: (src, size) => {
      reply.push(Buffer.from(new Uint8Array(memory.buffer, src >>> 0, size >>> 0)));
    },
    msg_reply: () => {},
    trap: (src, size) => {
      throw new Error('trap: ' + Buffer.from(new Uint8Array(memory.buffer, src >>> 0, size >>> 0)).toString());
    },
  };
  const imports = { ic0: {} };
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function' || mod !== 'ic0' || !(name in ic0)) throw new Error(`unexpected import ${mod}.${name}`);
    imports.ic0[name] = ic0[name];
  }
  const { exports } = new WebAssembly.Instance(module, imports);
  memory = exports.memory;
  exports.canister_init();
  return (method) => {
    reply = [];
    exports[`canister_query ${method}`]();
    return Buffer.concat(reply).toString('hex');
  };
}

for (const method of methods) {
  const call = instantiate();
  const once = () => {
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
