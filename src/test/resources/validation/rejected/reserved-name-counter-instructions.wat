;; reserved-name-counter-instructions.wat - REJECTED module-export-invalid/reserved-name: export 2 is
;; "canister counter_instructions" (with a space), a name reserved by the IC.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $counter (export "canister counter_instructions"))
)
