;; unknown-function.wat - REJECTED module-invalid/unknown-function: $calls_missing calls function 99 (there are 3).
;; Built with --no-check (wat2wasm would refuse it).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $calls_missing
    call 99)
)
