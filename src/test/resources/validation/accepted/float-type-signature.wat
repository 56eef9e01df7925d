;; float-type-signature.wat - ACCEPTED counterpart of float-type-signature: the parameter is an i32.
(module
  (type $t_unit (func))
  (type $t_i32 (func (param i32)))
  (import "ic0" "msg_reply" (func $msg_reply (type $t_unit)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $takes_f32 (type $t_i32))
)
