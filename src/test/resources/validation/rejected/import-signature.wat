;; import-signature.wat - REJECTED module-import-forbidden/import-signature: import 1, ic0.msg_reply, is
;; declared (i32) -> () instead of () -> ().
(module
  (import "ic0" "msg_arg_data_size" (func $msg_arg_data_size (result i32)))
  (import "ic0" "msg_reply" (func $msg_reply (param i32)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply (i32.const 0)))
)
