;; section-bounds.wat - ACCEPTED base module; the rejected copy declares the (last) code section 1 byte longer than the file (python in scripts/build-test-canisters.sh).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
