;; simd-type.wat - REJECTED module-nondeterministic/simd-type: $has_v128_local declares a v128 local;
;; no SIMD instruction anywhere.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $has_v128_local
    (local v128))
)
