;; float-single-add.wat - REJECTED module-nondeterministic/float (profile strict): exactly one float
;; instruction (f64.add) plus float types in $add's signature; "add" is a plain,
;; non-canister export. Accepted as is under profile canonical-nan.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $add (export "add") (param f64 f64) (result f64)
    local.get 0
    local.get 1
    f64.add)
)
