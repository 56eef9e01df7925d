/* ic0.h - what the C test canisters share: fixed-width types without libc, and the ic0 System API functions
 * they import (built with clang --target=wasm32 -nostdlib; see scripts/build-metering-canisters.sh). */
#ifndef CANISTER_HOST_IC0_H
#define CANISTER_HOST_IC0_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ size_t;

#define IC0(name) __attribute__((import_module("ic0"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(name)))

IC0(msg_arg_data_size) u32 ic0_msg_arg_data_size(void);
IC0(msg_arg_data_copy) void ic0_msg_arg_data_copy(u32 dst, u32 offset, u32 size);
IC0(msg_reply_data_append) void ic0_msg_reply_data_append(u32 src, u32 size);
IC0(msg_reply) void ic0_msg_reply(void);
IC0(trap) void ic0_trap(u32 src, u32 size);

#endif
