/*
 * compute.c: an integer-only compute corpus canister, one query per memory access pattern, for comparing the
 * service's execution with Chicory on flat memory and with V8 (bench/compute.sh, ComputeBenchmark,
 * bench/v8/compute.mjs).
 *
 * Built by scripts/build-compute-canisters.sh (clang --target=wasm32 -O2 -nostdlib -fno-builtin -mbulk-memory
 * -Wl,--no-entry); the .wasm is committed next to this file.
 *
 * State: a 1 MiB byte buffer (bytes, words, bulk) and a 16 MiB array of 4 Mi u32 indices forming one
 * pseudo-random cycle (chase), built by canister_init (so, on the service, at install, in the committed heap).
 *
 * Every query first refills the 1 MiB buffer from a fixed seed (byte-wise) where it uses it, so its reply does not
 * depend on earlier calls (on flat memory nothing is rolled back between calls). Each replies an 8-byte
 * little-endian u64 checksum of its work, the same on every engine.
 *
 * Queries (argument: empty for the default amount of work, or a 4-byte little-endian u32 to override it; any
 * other length traps):
 *   canister_query bytes   byte-wise loads and stores over the buffer (default 30 passes)
 *   canister_query words   32- and 64-bit loads and stores over the buffer (default 48 passes of each)
 *   canister_query bulk    memory.copy and memory.fill over the buffer (default 3000 rounds)
 *   canister_query chase   dependent loads i = next[i] over the 16 MiB cycle (default 512 Ki steps)
 * System entry point:
 *   canister_init          builds the cycle (Sattolo's algorithm driven by a fixed xorshift generator)
 */

#include "ic0.h"

#define BUF_SIZE (1u << 20)
#define CHAIN_LEN (1u << 22) /* 4 Mi entries, 16 MiB */

static u8 buf[BUF_SIZE] __attribute__((aligned(16)));
static u32 chain[CHAIN_LEN] __attribute__((aligned(16)));
static u64 reply_word;

static u32 work(u32 fallback) {
  u32 n = ic0_msg_arg_data_size();
  if (n == 0) return fallback;
  if (n != 4) {
    static const char msg[] = "argument: empty or a 4-byte little-endian u32";
    ic0_trap((u32)(size_t)msg, sizeof msg - 1);
  }
  u32 v;
  ic0_msg_arg_data_copy((u32)(size_t)&v, 0, 4);
  return v;
}

static void reply(u64 checksum) {
  reply_word = checksum;
  ic0_msg_reply_data_append((u32)(size_t)&reply_word, 8);
  ic0_msg_reply();
}

/* The buffer's fixed starting contents, written byte by byte. */
static void fill(void) {
  u32 x = 0x9e3779b9u;
  for (u32 i = 0; i < BUF_SIZE; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (u8)x;
  }
}

/* ---- bytes: byte loads and stores --------------------------------------- */

static u64 run_bytes(u32 passes) {
  fill();
  u32 h = 0x811c9dc5u;
  u64 sum = 0;
  for (u32 pass = 0; pass < passes; pass++) {
    for (u32 i = 0; i < BUF_SIZE / 4; i++) {
      u8 *p = buf + 4 * i;
      u32 w = (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | (u32)p[3];
      h = (h ^ w) * 0x01000193u;
      p[0] = (u8)(h >> 5);
      p[1] = (u8)(p[1] + (u8)h);
      p[2] = (u8)(p[2] ^ (u8)(h >> 13));
      p[3] = (u8)(h >> 24);
      sum += p[1] ^ p[2];
    }
  }
  return (u64)h << 32 ^ sum;
}

/* ---- words: 32- and 64-bit loads and stores ----------------------------- */

static u64 run_words(u32 passes) {
  fill();
  u32 *w = (u32 *)buf;
  u64 *q = (u64 *)buf;
  u32 a = 1;
  u64 b = 0x243f6a8885a308d3ull;
  for (u32 pass = 0; pass < passes; pass++) {
    for (u32 i = 0; i < BUF_SIZE / 4; i++) { /* 32-bit */
      u32 v = w[i];
      a = a * 0x9e3779b1u + v;
      w[i] = v ^ (a >> 7);
    }
    for (u32 i = 0; i < BUF_SIZE / 8; i++) { /* 64-bit */
      u64 v = q[i];
      b = (b ^ v) * 0x100000001b3ull;
      q[i] = v + (b >> 11);
    }
  }
  return (u64)a << 32 ^ b;
}

/* ---- bulk: memory.copy and memory.fill ----------------------------------- */

static u64 run_bulk(u32 rounds) {
  fill();
  u64 sum = 0;
  u32 x = 12345;
  for (u32 r = 0; r < rounds; r++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    u32 src = x & (BUF_SIZE / 2 - 1);             /* anywhere in the first half */
    u32 dst = (x >> 11) & (BUF_SIZE / 2 - 1);     /* anywhere in the first half, may overlap */
    __builtin_memmove(buf + dst, buf + src, BUF_SIZE / 4); /* 256 KiB, overlapping: memory.copy */
    __builtin_memcpy(buf + BUF_SIZE / 2 + (x & 0xfff), buf + ((x >> 7) & 0xffff), 64 * 1024); /* disjoint */
    __builtin_memset(buf + ((x >> 3) & (BUF_SIZE / 2 - 1)), (int)(r & 0xff), 64 * 1024);
    sum = sum * 31 + buf[x & (BUF_SIZE - 1)] + buf[(x >> 9) & (BUF_SIZE - 1)];
  }
  u32 *w = (u32 *)buf;
  for (u32 i = 0; i < BUF_SIZE / 4; i += 64) sum = sum * 31 + w[i];
  return sum;
}

/* ---- chase: pointer chasing over 16 MiB ---------------------------------- */

static u64 run_chase(u32 steps) {
  u32 i = 0;
  u64 sum = 0;
  for (u32 s = 0; s < steps; s++) {
    i = chain[i];
    sum = sum * 31 + i;
  }
  return sum ^ (u64)i << 40;
}

/* One cycle through all CHAIN_LEN entries (Sattolo), deterministic. */
EXPORT("canister_init") void canister_init(void) {
  for (u32 k = 0; k < CHAIN_LEN; k++) chain[k] = k;
  u32 x = 2463534242u;
  for (u32 k = CHAIN_LEN - 1; k > 0; k--) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    u32 j = x % k; /* 0 <= j < k */
    u32 t = chain[k];
    chain[k] = chain[j];
    chain[j] = t;
  }
}

EXPORT("canister_query bytes") void query_bytes(void) { reply(run_bytes(work(30))); }
EXPORT("canister_query words") void query_words(void) { reply(run_words(work(48))); }
EXPORT("canister_query bulk") void query_bulk(void) { reply(run_bulk(work(3000))); }
EXPORT("canister_query chase") void query_chase(void) { reply(run_chase(work(1u << 19))); }
