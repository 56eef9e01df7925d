;; threads-atomic.wat - REJECTED module-nondeterministic/threads-atomic: $atomic_load does an
;; i32.atomic.load on the (non-shared) memory.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $atomic_load
    i32.const 0
    i32.atomic.load
    drop)
)
