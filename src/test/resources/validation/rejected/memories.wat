;; memories.wat - REJECTED module-limit-exceeded/memories: two memories (multi-memory); memory 1 is
;; the first over the cap of 1.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (memory $second 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
