;; data-offset.wat - REJECTED module-data-segment-invalid/data-offset: data segment 0's offset is
;; (global.get $g) of a module-defined (not imported) immutable global. Built with
;; --no-check (wat2wasm refuses it: only imported globals are allowed there).
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (global $g i32 (i32.const 0))
  (data (global.get $g) "hi")
)
