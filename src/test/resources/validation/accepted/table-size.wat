;; table-size.wat - ACCEPTED counterpart of table-size: table 0 has 16 entries (the cap).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (table 16 funcref)
)
