;; bad_signature.wat - imports ic0.msg_reply with the wrong type (i32) -> ()
;; instead of () -> (); the host must reject the import signature mismatch.
(module
  (import "ic0" "msg_reply" (func $reply_bad (param i32)))

  (memory (export "memory") 1)

  (func (export "canister_update noop")
    (call $reply_bad (i32.const 0)))
)
