;; duplicate-method.wat - ACCEPTED counterpart of duplicate-method: the query is named bar.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo_update (export "canister_update foo")
    (call $msg_reply))
  (func $foo_query (export "canister_query bar")
    (call $msg_reply))
)
