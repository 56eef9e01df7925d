;; import-global.wat - ACCEPTED counterpart of import-global: the global is defined, not imported.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $g i32 (i32.const 0))
)
