;; initial-memory.wat - ACCEPTED counterpart of initial-memory: memory 0 starts at 1 page.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
