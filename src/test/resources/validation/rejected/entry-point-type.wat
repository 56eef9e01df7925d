;; entry-point-type.wat - REJECTED module-export-invalid/entry-point-type: export 2, canister_update foo,
;; has type (i32) -> ().
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo (export "canister_update foo") (param i32)
    (call $msg_reply))
)
