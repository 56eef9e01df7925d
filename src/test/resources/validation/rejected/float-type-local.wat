;; float-type-local.wat - REJECTED module-nondeterministic/float-type-local: $has_f64_local declares an f64
;; local; no float instruction anywhere.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $has_f64_local
    (local f64))
)
