;; reserved-prefix.wat - REJECTED module-export-invalid/reserved-prefix: export 2, canister_foo, uses the
;; reserved canister_ prefix but is no System API entry point.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo (export "canister_foo"))
)
