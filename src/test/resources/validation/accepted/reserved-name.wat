;; reserved-name.wat - ACCEPTED counterpart of reserved-name: the function is exported as plain start.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $start (export "start"))
)
