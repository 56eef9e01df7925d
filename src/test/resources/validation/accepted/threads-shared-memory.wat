;; threads-shared-memory.wat - ACCEPTED counterpart of threads-shared-memory: memory 0 is not shared.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
