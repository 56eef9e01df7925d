;; import-unknown.wat - ACCEPTED counterpart of import-unknown: import 1 is ic0.debug_print instead.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "debug_print" (func $debug_print (param i32 i32)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
