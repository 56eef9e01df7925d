;; unknown_ic0.wat - imports a real ic0 function (stable64_grow) that this host
;; does not implement; must be rejected at install with a clear error.
(module
  (import "ic0" "stable64_grow" (func $stable64_grow (param i64) (result i64)))
  (import "ic0" "msg_reply"     (func $reply))

  (memory (export "memory") 1)

  (func (export "canister_update noop")
    (call $reply))
)
