;; data-offset.wat - ACCEPTED counterpart of data-offset: the offset is (i32.const 0).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $g i32 (i32.const 0))
  (data (i32.const 0) "hi")
)
