;; section-content.wat - ACCEPTED base module; the rejected copy has the nop in ping's body replaced by the
;; invalid opcode byte 0xFF (python in scripts/build-test-canisters.sh).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    nop
    (call $msg_reply))
)
