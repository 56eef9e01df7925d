;; float-type-global.wat - ACCEPTED counterpart of float-type-global: global 1 is an i32.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $int i32 (i32.const 0))
  (global $float i32 (i32.const 0))
)
