;; float-type-global.wat - REJECTED module-nondeterministic/float-type-global: global 1 is an immutable f32
;; (initialised by f32.const 0).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $int i32 (i32.const 0))
  (global $float f32 (f32.const 0))
)
