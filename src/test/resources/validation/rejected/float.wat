;; float.wat - REJECTED module-nondeterministic/float (profile strict): four float instructions,
;; three in $uses_float and one more (f32.const) in $also_float. Accepted as is
;; under profile canonical-nan.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $uses_float
    f64.const 1
    f64.const 2
    f64.add
    drop)
  (func $also_float
    f32.const 0
    drop)
)
