;; A wasm64 canister (64-bit memory, the 64-bit System API: pointers and sizes are i64) for Memory64Test and
;; EngineDeterminismTest. The counter is an i64 at 0x100; the start function writes a marker at 0x108.
(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i64)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i64 i64 i64)))
  (import "ic0" "msg_reply_data_append" (func $append (param i64 i64)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_caller_copy" (func $caller_copy (param i64 i64 i64)))
  (import "ic0" "debug_print" (func $print (param i64 i64)))
  (import "ic0" "call_new" (func $call_new (param i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "ic0" "call_on_cleanup" (func $call_on_cleanup (param i64 i64)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (import "ic0" "stable64_grow" (func $stable_grow (param i64) (result i64)))
  (import "ic0" "stable64_write" (func $stable_write (param i64 i64 i64)))
  (import "ic0" "stable64_read" (func $stable_read (param i64 i64 i64)))
  (memory i64 1)
  (table 3 funcref)
  (elem (i32.const 0) $on_reply $on_reject $on_cleanup)
  (data (i64.const 0x10) "hello from wasm64")
  (start $start)

  (func $start (i64.store (i64.const 0x108) (i64.const 0x5741534d3634))) ;; "WASM64"

  ;; replies with the 8 bytes at $at
  (func $reply_i64 (param $at i64) (call $append (local.get $at) (i64.const 8)) (call $reply))

  ;; the argument, copied to 0x200; its size
  (func $arg (result i64) (local $size i64)
    (local.set $size (call $arg_size))
    (call $arg_copy (i64.const 0x200) (i64.const 0) (local.get $size))
    (local.get $size))

  (func (export "canister_update inc")
    (i64.store (i64.const 0x100) (i64.add (i64.load (i64.const 0x100)) (i64.const 1)))
    (call $reply_i64 (i64.const 0x100)))
  (func (export "canister_query get") (call $reply_i64 (i64.const 0x100)))
  (func (export "canister_query marker") (call $reply_i64 (i64.const 0x108)))

  ;; echoes the argument
  (func (export "canister_update echo") (local $size i64)
    (local.set $size (call $arg))
    (call $append (i64.const 0x200) (local.get $size))
    (call $reply))

  ;; argument: address and size (two i64); replies with those bytes of the heap
  (func (export "canister_query reply_at")
    (drop (call $arg))
    (call $append (i64.load (i64.const 0x200)) (i64.load (i64.const 0x208)))
    (call $reply))

  ;; argument: an i64 address; stores a byte there (past the heap: traps)
  (func (export "canister_update store_at")
    (drop (call $arg))
    (i32.store8 (i64.load (i64.const 0x200)) (i32.const 1))
    (call $reply))

  ;; argument: i64 pages; replies with what memory.grow answered (-1 past the heap cap)
  (func (export "canister_update grow")
    (drop (call $arg))
    (i64.store (i64.const 0x210) (memory.grow (i64.load (i64.const 0x200))))
    (call $reply_i64 (i64.const 0x210)))
  (func (export "canister_query size")
    (i64.store (i64.const 0x210) (memory.size))
    (call $reply_i64 (i64.const 0x210)))

  ;; prints a greeting, then a range past the heap (debug_print never traps)
  (func (export "canister_update print")
    (call $print (i64.const 0x10) (i64.const 17))
    (call $print (i64.const 0x100000000) (i64.const 5))
    (call $reply))

  ;; builds a call whose callbacks' env values are 2^32 and more (opaque: they are not pointers), then performs
  ;; it; replies with call_perform's answer. The callee (principal 0x68) does not exist: the reject callback runs
  ;; and stores its env at 0x500 (the reply callback would store it at 0x508), read back by `env`.
  (func (export "canister_update call")
    (call $call_new (i64.const 0x10) (i64.const 1) (i64.const 0x10) (i64.const 5)
      (i64.const 0) (i64.const 0xffffffffffff) (i64.const 1) (i64.const 0x100000000))
    (call $call_on_cleanup (i64.const 2) (i64.const -1))
    (i32.store (i64.const 0x220) (call $call_perform))
    (call $append (i64.const 0x220) (i64.const 4))
    (call $reply))

  (func $on_reply (param $env i64) (i64.store (i64.const 0x508) (local.get $env)))
  (func $on_reject (param $env i64) (i64.store (i64.const 0x500) (local.get $env)))
  (func $on_cleanup (param $env i64))
  (func (export "canister_query env")
    (call $append (i64.const 0x500) (i64.const 16))
    (call $reply))

  ;; copies the caller to 2^32 (zero bytes of it: still out of bounds)
  (func (export "canister_update caller_far")
    (call $caller_copy (i64.const 0x100000000) (i64.const 0) (i64.const 0))
    (call $reply))

  ;; stable memory round trip through the 64-bit heap addresses of stable64_write/read
  (func (export "canister_update stable")
    (if (i64.eqz (call $stable_grow (i64.const 0))) (then (drop (call $stable_grow (i64.const 1)))))
    (call $stable_write (i64.const 0) (i64.const 0x10) (i64.const 17))
    (call $stable_read (i64.const 0x300) (i64.const 0) (i64.const 17))
    (call $append (i64.const 0x300) (i64.const 17))
    (call $reply))
  (func (export "canister_update stable_far")
    (drop (call $stable_grow (i64.const 1)))
    (call $stable_read (i64.const 0x100000300) (i64.const 0) (i64.const 1))
    (call $reply))

  ;; fills, copies and sums heap bytes with i64 sizes (metered per byte); argument: i64 size
  (func (export "canister_update bulk") (local $n i64) (local $i i64) (local $sum i64)
    (drop (call $arg))
    (local.set $n (i64.load (i64.const 0x200)))
    (memory.fill (i64.const 0x1000) (i32.const 3) (local.get $n))
    (memory.copy (i64.const 0x8000) (i64.const 0x1000) (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (i64.load8_u offset=0x8000 (local.get $i))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (i64.store (i64.const 0x210) (local.get $sum))
    (call $reply_i64 (i64.const 0x210)))
)
