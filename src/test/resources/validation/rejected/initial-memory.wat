;; initial-memory.wat - REJECTED module-limit-exceeded/initial-memory: memory 0 starts at 17 pages, over
;; the test cap of 16.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 17)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
