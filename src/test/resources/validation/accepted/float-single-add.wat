;; float-single-add.wat - ACCEPTED counterpart of float-single-add: the same function on i64.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $add (export "add") (param i64 i64) (result i64)
    local.get 0
    local.get 1
    i64.add)
)
