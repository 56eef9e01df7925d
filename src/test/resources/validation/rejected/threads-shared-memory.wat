;; threads-shared-memory.wat - REJECTED module-nondeterministic/threads-shared-memory: memory 0 is shared.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1 1 shared)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
