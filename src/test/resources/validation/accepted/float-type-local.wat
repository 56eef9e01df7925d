;; float-type-local.wat - ACCEPTED counterpart of float-type-local: the local is an i64.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $has_f64_local
    (local i64))
)
