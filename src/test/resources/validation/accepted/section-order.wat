;; section-order.wat - ACCEPTED base module; the rejected copy has the function and memory sections swapped (python in scripts/build-test-canisters.sh).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
