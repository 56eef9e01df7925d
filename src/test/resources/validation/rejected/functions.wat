;; functions.wat - REJECTED module-limit-exceeded/functions: 9 functions (1 imported + 8 defined),
;; over the test cap of 8; function 8 ($f7) is the first over the cap.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $f1)
  (func $f2)
  (func $f3)
  (func $f4)
  (func $f5)
  (func $f6)
  (func $f7)
)
