;; start_fn.wat - the wasm start function writes 7 at address 16. Tests check it
;; ran exactly once at install: after set16, get16 must keep the new value
;; (a re-run on later instantiation would reset it to 7).
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "trap"                  (func $trap (param i32 i32)))

  (memory (export "memory") 1)

  (data (i32.const 256) "set16 expects 4 bytes")    ;; len 21

  ;; No ic0 calls here: the start function runs outside any message context.
  (func $s
    (i32.store (i32.const 16) (i32.const 7)))
  (start $s)

  ;; Replies with 4 bytes: the i32 at address 16, little endian.
  (func (export "canister_query get16")
    (call $reply_append (i32.const 16) (i32.const 4))
    (call $reply))

  ;; Argument must be exactly 4 bytes; stored verbatim at 16, empty reply.
  (func (export "canister_update set16")
    (if (i32.ne (call $arg_size) (i32.const 4))
      (then (call $trap (i32.const 256) (i32.const 21))))
    (call $arg_copy (i32.const 16) (i32.const 0) (i32.const 4))
    (call $reply))
)
