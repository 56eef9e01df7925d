;; import-table-name.wat - ACCEPTED counterpart of import-table-name: the table is imported as env.table
;; (provided by the host).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "env" "table" (table 1 funcref))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
