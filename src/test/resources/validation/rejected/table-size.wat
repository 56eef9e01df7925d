;; table-size.wat - REJECTED module-limit-exceeded/table-size: table 0 has 17 initial entries, over the
;; test cap of 16.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (table 17 funcref)
)
