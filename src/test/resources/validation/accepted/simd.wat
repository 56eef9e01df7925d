;; simd.wat - ACCEPTED counterpart of simd: an i32.const instead.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $uses_simd
    i32.const 0
    drop)
)
