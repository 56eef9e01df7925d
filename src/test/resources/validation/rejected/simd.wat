;; simd.wat - REJECTED module-nondeterministic/simd: $uses_simd has a v128.const (rejected under
;; every profile).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $uses_simd
    v128.const i32x4 0 0 0 0
    drop)
)
