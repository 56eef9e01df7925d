;; float.wat - ACCEPTED counterpart of float: the same arithmetic with integers.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $uses_float
    i64.const 1
    i64.const 2
    i64.add
    drop)
  (func $also_float
    i32.const 0
    drop)
)
