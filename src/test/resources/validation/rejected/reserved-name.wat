;; reserved-name.wat - REJECTED module-export-invalid/reserved-name: export 2 is canister_start, a name
;; reserved by the IC.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $start (export "canister_start"))
)
