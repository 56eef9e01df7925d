;; init_trap.wat - canister_init writes then traps, so install must fail and
;; the write must not survive (query get would reply 0x01 if it leaked).
(module
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "trap"                  (func $trap (param i32 i32)))

  (memory (export "memory") 1)

  (data (i32.const 256) "init failed on purpose")   ;; len 22

  (func (export "canister_init")
    (i32.store8 (i32.const 0) (i32.const 1))
    (call $trap (i32.const 256) (i32.const 22)))

  ;; Replies with exactly 1 byte: the byte at address 0.
  (func (export "canister_query get")
    (call $reply_append (i32.const 0) (i32.const 1))
    (call $reply))
)
