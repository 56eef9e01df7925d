;; import-table-name.wat - REJECTED module-import-forbidden/import-table-name: import 1 is a table named
;; foo.table (a table may be imported only as env.table).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "foo" "table" (table 1 funcref))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
