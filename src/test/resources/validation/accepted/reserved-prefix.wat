;; reserved-prefix.wat - ACCEPTED counterpart of reserved-prefix: the function is exported as plain foo.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo (export "foo"))
)
