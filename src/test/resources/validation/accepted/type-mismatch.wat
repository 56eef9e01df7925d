;; type-mismatch.wat - ACCEPTED counterpart of type-mismatch: both operands are i32.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $bad
    i32.const 1
    i32.const 2
    i32.add
    drop)
)
