;; globals.wat - REJECTED module-limit-exceeded/globals: 5 globals, over the test cap of 4; global 4
;; is the first over the cap.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $g0 i32 (i32.const 0))
  (global $g1 i32 (i32.const 1))
  (global $g2 i32 (i32.const 2))
  (global $g3 i32 (i32.const 3))
  (global $g4 i32 (i32.const 4))
)
