;; entry-point-kind.wat - ACCEPTED counterpart of entry-point-kind: canister_query foo is a function; the
;; global is not exported.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $foo i32 (i32.const 0))
  (func $foo (export "canister_query foo")
    (call $msg_reply))
)
