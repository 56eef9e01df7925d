;; entry-point-type.wat - ACCEPTED counterpart of entry-point-type: canister_update foo has type () -> ().
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo (export "canister_update foo")
    (call $msg_reply))
)
