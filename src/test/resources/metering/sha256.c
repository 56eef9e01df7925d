/*
 * sha256.c: a CPU-bound, integer-only test canister for metering and benchmarks.
 *
 * Built by scripts/build-metering-canisters.sh (clang --target=wasm32 -O2 -nostdlib
 * -fno-builtin -Wl,--no-entry); the .wasm is committed next to this file.
 *
 * State: a static 1 MiB buffer, byte i = (i * 31 + 7) & 0xff, filled on first use
 * (a flag in memory; an update call leaves it filled, a query's fill is rolled back).
 * The buffer itself is never modified after filling.
 *
 * Work for N rounds (N = 0 is treated as 1):
 *   d = sha256(buffer)                                  round 1
 *   d = sha256(d || buffer[32 .. 1 MiB])                 rounds 2..N
 * so every round hashes exactly 1 MiB (1 048 576 bytes, 16 385 compressions
 * including padding).
 *
 * Methods (both reply with the final 32-byte digest, raw bytes):
 *   canister_update run    argument: empty (N = 1) or a 4-byte little-endian u32 N;
 *   canister_query  run_q  any other length traps.
 * Plain export for the Node harness (bench/v8/sha256.mjs):
 *   bench_run(i32 rounds) -> i32   pointer to the 32-byte digest in memory.
 *
 * Expected digests (checked with python3 hashlib over the same buffer):
 *   N = 1: 06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286
 *   N = 2: c972db343e662cf7541120546a140ee36daa5d892d561fe5b7546a982ae9efba
 *   N = 8: e0a2372ba3bbcbdbf71b85a98cbb10277f6b0bc3a2c41b36f3dd4e4a1341a687
 */

#include "ic0.h"

/* No libc: the compiler may still emit calls to these (-fno-builtin keeps it from
 * turning the loops below into calls to themselves). */
void *memset(void *dst, int c, size_t n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

/* ---- SHA-256 (FIPS 180-4) ---------------------------------------------- */

static const u32 K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

typedef struct {
  u32 h[8];
  u8 block[64]; /* pending partial block */
  u32 used;     /* bytes in block */
  u64 total;    /* bytes hashed so far */
} sha256_ctx;

static u32 rotr(u32 x, u32 n) { return (x >> n) | (x << (32 - n)); }

static void compress(u32 h[8], const u8 *p) {
  u32 w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    u32 s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    u32 s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    u32 t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    u32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d;
  h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256_init(sha256_ctx *ctx) {
  static const u32 iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) ctx->h[i] = iv[i];
  ctx->used = 0;
  ctx->total = 0;
}

static void sha256_update(sha256_ctx *ctx, const u8 *data, u32 len) {
  ctx->total += len;
  while (len > 0) {
    if (ctx->used == 0 && len >= 64) { /* whole blocks straight from the input */
      compress(ctx->h, data);
      data += 64;
      len -= 64;
      continue;
    }
    u32 n = 64 - ctx->used;
    if (n > len) n = len;
    for (u32 i = 0; i < n; i++) ctx->block[ctx->used + i] = data[i];
    ctx->used += n;
    data += n;
    len -= n;
    if (ctx->used == 64) {
      compress(ctx->h, ctx->block);
      ctx->used = 0;
    }
  }
}

static void sha256_final(sha256_ctx *ctx, u8 out[32]) {
  u64 bits = ctx->total * 8;
  ctx->block[ctx->used++] = 0x80;
  if (ctx->used > 56) {
    while (ctx->used < 64) ctx->block[ctx->used++] = 0;
    compress(ctx->h, ctx->block);
    ctx->used = 0;
  }
  while (ctx->used < 56) ctx->block[ctx->used++] = 0;
  for (int i = 0; i < 8; i++) ctx->block[56 + i] = (u8)(bits >> (56 - 8 * i));
  compress(ctx->h, ctx->block);
  for (int i = 0; i < 8; i++) {
    out[4 * i] = (u8)(ctx->h[i] >> 24);
    out[4 * i + 1] = (u8)(ctx->h[i] >> 16);
    out[4 * i + 2] = (u8)(ctx->h[i] >> 8);
    out[4 * i + 3] = (u8)ctx->h[i];
  }
}

/* ---- the workload ------------------------------------------------------- */

#define BUF_SIZE (1u << 20)

static u8 buffer[BUF_SIZE];
static u32 filled;
static u8 digest[32];

static void fill_buffer(void) {
  if (filled) return;
  for (u32 i = 0; i < BUF_SIZE; i++) buffer[i] = (u8)((i * 31 + 7) & 0xff);
  filled = 1;
}

static u8 *hash_rounds(u32 rounds) {
  sha256_ctx ctx;
  fill_buffer();
  if (rounds == 0) rounds = 1;
  sha256_init(&ctx);
  sha256_update(&ctx, buffer, BUF_SIZE);
  sha256_final(&ctx, digest);
  for (u32 r = 1; r < rounds; r++) {
    sha256_init(&ctx);
    sha256_update(&ctx, digest, 32);
    sha256_update(&ctx, buffer + 32, BUF_SIZE - 32);
    sha256_final(&ctx, digest);
  }
  return digest;
}

static void run_method(void) {
  static const char bad_arg[] = "sha256: argument must be empty or a 4-byte little-endian u32";
  u32 rounds = 1;
  u32 size = ic0_msg_arg_data_size();
  if (size != 0) {
    u8 arg[4];
    if (size != 4) ic0_trap((u32)(size_t)bad_arg, sizeof bad_arg - 1);
    ic0_msg_arg_data_copy((u32)(size_t)arg, 0, 4);
    rounds = (u32)arg[0] | (u32)arg[1] << 8 | (u32)arg[2] << 16 | (u32)arg[3] << 24;
  }
  u8 *d = hash_rounds(rounds);
  ic0_msg_reply_data_append((u32)(size_t)d, 32);
  ic0_msg_reply();
}

EXPORT("canister_update run") void canister_update_run(void) { run_method(); }

EXPORT("canister_query run_q") void canister_query_run_q(void) { run_method(); }

EXPORT("bench_run") u32 bench_run(u32 rounds) { return (u32)(size_t)hash_rounds(rounds); }
