;; entry-point-kind.wat - REJECTED module-export-invalid/entry-point-kind: export 2, canister_query foo, is a
;; global, not a function.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $foo i32 (i32.const 0))
  (export "canister_query foo" (global $foo))
)
