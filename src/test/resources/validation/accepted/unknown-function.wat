;; unknown-function.wat - ACCEPTED counterpart of unknown-function: calls an existing function instead.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $calls_missing
    call $ping)
)
