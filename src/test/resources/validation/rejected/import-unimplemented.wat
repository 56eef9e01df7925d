;; import-unimplemented.wat - REJECTED module-import-forbidden/import-unimplemented: import 1 is ic0.stable64_size,
;; a real System API function (with its real type) that the host does not implement.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "stable64_size" (func $stable64_size (result i64)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
