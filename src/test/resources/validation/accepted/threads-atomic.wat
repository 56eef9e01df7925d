;; threads-atomic.wat - ACCEPTED counterpart of threads-atomic: a plain i32.load.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $atomic_load
    i32.const 0
    i32.load
    drop)
)
