;; import-memory-name.wat - REJECTED module-import-forbidden/import-memory-name: import 1 is a memory named
;; ic0.memory (a memory may be imported only as env.memory).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "memory" (memory 1))
  (export "memory" (memory 0))
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
