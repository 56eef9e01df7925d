;; float-type-signature.wat - REJECTED module-nondeterministic/float-type-signature: type 1 is (func (param f32)),
;; used by the empty $takes_f32; no float instruction anywhere.
(module
  (type $t_unit (func))
  (type $t_f32 (func (param f32)))
  (import "ic0" "msg_reply" (func $msg_reply (type $t_unit)))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $takes_f32 (type $t_f32))
)
