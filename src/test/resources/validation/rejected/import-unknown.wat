;; import-unknown.wat - REJECTED module-import-forbidden/import-unknown: import 1 is ic0.not_a_function,
;; which is not a System API function.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "not_a_function" (func $not_a_function))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
