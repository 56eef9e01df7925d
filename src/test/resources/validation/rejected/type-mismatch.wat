;; type-mismatch.wat - REJECTED module-invalid/type-mismatch: $bad adds an i64 to an i32.
;; Built with --no-check (wat2wasm would refuse it).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $bad
    i64.const 1
    i32.const 2
    i32.add
    drop)
)
