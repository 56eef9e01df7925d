;; counter.wat - main test canister for canister-host.
;;
;; The count lives twice: in the non-exported mutable global $count and as an
;; i64 (little endian) at memory address 0. Every write updates both, so tests
;; can detect whether the host rolls back globals AND memory.
;;
;; Memory layout (2 pages = 128 KiB):
;;   0..8      count mirror (i64 LE)
;;   8..16     scratch for replies / argument decoding
;;   256..     constant strings (data segments)
;;   1024..    buffer for echo / caller (room for 60 KiB args and more)
;;
;; All integer replies are raw little-endian bytes: 8 bytes for i64, 4 for i32.
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_caller_size"       (func $caller_size (result i32)))
  (import "ic0" "msg_caller_copy"       (func $caller_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "msg_reject"            (func $reject (param i32 i32)))
  (import "ic0" "trap"                  (func $trap (param i32 i32)))
  (import "ic0" "debug_print"           (func $debug_print (param i32 i32)))
  (import "ic0" "time"                  (func $time (result i64)))

  (memory (export "memory") 2)

  (global $count (mut i64) (i64.const 0))

  ;; Strings; (offset, length) pairs are repeated at the call sites.
  (data (i32.const 256) "add expects 8 bytes")      ;; len 19
  (data (i32.const 288) "boom after write")         ;; len 16
  (data (i32.const 320) "rejected by canister")     ;; len 20
  (data (i32.const 352) "hello from counter")       ;; len 18
  (data (i32.const 384) "bad init arg")             ;; len 12
  (data (i32.const 416) "echo arg too large")       ;; len 18

  (func $set (param $v i64)
    ;; Single write path so global and memory can never drift apart.
    (global.set $count (local.get $v))
    (i64.store (i32.const 0) (local.get $v)))

  (func $inc (result i64)
    (call $set (i64.add (global.get $count) (i64.const 1)))
    (global.get $count))

  (func $reply_i64 (param $v i64)
    ;; Use scratch, not address 0, so replying never touches the mirror.
    (i64.store (i32.const 8) (local.get $v))
    (call $reply_append (i32.const 8) (i32.const 8))
    (call $reply))

  (func $reply_arg
    (local $n i32)
    (local.set $n (call $arg_size))
    ;; Explicit check gives a readable trap instead of a host bounds error.
    (if (i32.gt_u (local.get $n)
                  (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1024)))
      (then (call $trap (i32.const 416) (i32.const 18))))
    (call $arg_copy (i32.const 1024) (i32.const 0) (local.get $n))
    (call $reply_append (i32.const 1024) (local.get $n))
    (call $reply))

  ;; Init arg: empty -> count 0; 8 bytes -> initial count; anything else traps.
  (func (export "canister_init")
    (local $n i32)
    (local.set $n (call $arg_size))
    (if (i32.eqz (local.get $n)) (then (return)))
    (if (i32.ne (local.get $n) (i32.const 8))
      (then (call $trap (i32.const 384) (i32.const 12))))
    (call $arg_copy (i32.const 8) (i32.const 0) (i32.const 8))
    (call $set (i64.load (i32.const 8))))

  (func (export "canister_update inc")
    (call $reply_i64 (call $inc)))

  (func (export "canister_update add")
    (if (i32.ne (call $arg_size) (i32.const 8))
      (then (call $trap (i32.const 256) (i32.const 19))))
    (call $arg_copy (i32.const 8) (i32.const 0) (i32.const 8))
    (call $set (i64.add (global.get $count) (i64.load (i32.const 8))))
    (call $reply_i64 (global.get $count)))

  ;; Reads the global only, so it exposes a global-vs-memory mismatch.
  (func (export "canister_query get")
    (call $reply_i64 (global.get $count)))

  ;; Reads memory only (the mirror at address 0).
  (func (export "canister_query get_mem")
    (call $reply_append (i32.const 0) (i32.const 8))
    (call $reply))

  ;; Writes then traps: host must roll back both global and memory.
  (func (export "canister_update inc_then_trap")
    (drop (call $inc))
    (call $trap (i32.const 288) (i32.const 16)))

  ;; Writes but never replies: host decides what that means for the call.
  (func (export "canister_update inc_no_reply")
    (drop (call $inc)))

  ;; Full reply (8-byte LE new value), then a second msg_reply the host must trap on.
  (func (export "canister_update inc_reply_twice")
    (call $reply_i64 (call $inc))
    (call $reply))

  ;; Queries must not persist state: host discards these writes.
  (func (export "canister_query inc_in_query")
    (call $reply_i64 (call $inc)))

  (func (export "canister_update reject")
    (call $reject (i32.const 320) (i32.const 20)))

  (func (export "canister_update echo") (call $reply_arg))
  (func (export "canister_query echo_q") (call $reply_arg))

  (func (export "canister_query caller")
    (local $n i32)
    (local.set $n (call $caller_size))
    (call $caller_copy (i32.const 1024) (i32.const 0) (local.get $n))
    (call $reply_append (i32.const 1024) (local.get $n))
    (call $reply))

  (func (export "canister_query time")
    (call $reply_i64 (call $time)))

  ;; debug_print, then an empty (zero-byte) reply.
  (func (export "canister_update print")
    (call $debug_print (i32.const 352) (i32.const 18))
    (call $reply))

  ;; Never returns: exercises the host's instruction/wall-clock limits.
  (func (export "canister_update loop_forever")
    (loop $l (br $l)))

  ;; Replies with memory.grow's result as i32 LE: previous size in pages, or -1.
  (func (export "canister_update grow")
    (i32.store (i32.const 8) (memory.grow (i32.const 1)))
    (call $reply_append (i32.const 8) (i32.const 4))
    (call $reply))
)
