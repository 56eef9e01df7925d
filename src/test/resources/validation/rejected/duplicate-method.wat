;; duplicate-method.wat - REJECTED module-export-invalid/duplicate-method: method foo is exported as
;; canister_update foo (export 2) and canister_query foo (export 3).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $foo_update (export "canister_update foo")
    (call $msg_reply))
  (func $foo_query (export "canister_query foo")
    (call $msg_reply))
)
