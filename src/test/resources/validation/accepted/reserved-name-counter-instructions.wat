;; reserved-name-counter-instructions.wat - ACCEPTED counterpart of reserved-name-counter-instructions: exported as plain
;; counter_instructions.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $counter (export "counter_instructions"))
)
