;; import-module.wat - ACCEPTED counterpart of import-module: no env.abort import.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
