;; import-module.wat - REJECTED module-import-forbidden/import-module: import 0 is env.abort.
(module
  (import "env" "abort" (func $abort (param i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
