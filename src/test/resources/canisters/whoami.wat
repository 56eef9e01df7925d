;; whoami.wat - identities: who is calling, and is a principal a controller.
;;
;;   whoami         (update and query) replies with the caller's principal bytes (ic0.msg_caller_copy)
;;   is_controller  (query) replies with one byte: ic0.is_controller of the argument's principal bytes
;;   whoami_count   (update) counts its calls in a mutable global, replies with the caller's principal bytes
;;                  followed by the count as one byte
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_caller_size"       (func $caller_size (result i32)))
  (import "ic0" "msg_caller_copy"       (func $caller_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "is_controller"         (func $is_controller (param i32 i32) (result i32)))

  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))

  (func $reply_caller
    (local $n i32)
    (local.set $n (call $caller_size))
    (call $caller_copy (i32.const 64) (i32.const 0) (local.get $n))
    (call $reply_append (i32.const 64) (local.get $n))
    (call $reply))

  (func (export "canister_update whoami") (call $reply_caller))
  (func (export "canister_query whoami_q") (call $reply_caller))

  (func (export "canister_query is_controller")
    (local $n i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 64) (i32.const 0) (local.get $n))
    (i32.store8 (i32.const 0) (call $is_controller (i32.const 64) (local.get $n)))
    (call $reply_append (i32.const 0) (i32.const 1))
    (call $reply))

  (func (export "canister_update whoami_count")
    (local $n i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (local.set $n (call $caller_size))
    (call $caller_copy (i32.const 64) (i32.const 0) (local.get $n))
    (i32.store8 (i32.add (i32.const 64) (local.get $n)) (global.get $calls))
    (call $reply_append (i32.const 64) (i32.add (local.get $n) (i32.const 1)))
    (call $reply))
)
