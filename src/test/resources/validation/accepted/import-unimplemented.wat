;; import-unimplemented.wat - ACCEPTED counterpart of import-unimplemented: import 1 is ic0.time (implemented).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "time" (func $time (result i64)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
