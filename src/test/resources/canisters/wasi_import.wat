;; wasi_import.wat - imports a non-ic0 module; the host must reject it at
;; install time rather than fail later at call time.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "ic0" "msg_reply" (func $reply))

  (memory (export "memory") 1)

  (func (export "canister_update noop")
    (call $reply))
)
