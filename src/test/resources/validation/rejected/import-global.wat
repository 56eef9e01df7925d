;; import-global.wat - REJECTED module-import-forbidden/import-global: import 1 is a global, ic0.g.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "g" (global $g i32))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
