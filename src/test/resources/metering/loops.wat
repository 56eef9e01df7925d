;; loops.wat: runaway and counting methods for instruction-limit / metering tests.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all).
;;
;; Memory map: [0..4) flag written by spin/recurse (read back by `get`),
;; [8..16) scratch for replies/arguments, [256..) trap messages.
;;
;;   canister_update spin      store i32 1 at [0], global $g += 1, then `loop br 0` forever (never replies)
;;   canister_query  spin_q    same, as a query
;;   canister_update recurse   store i32 1 at [0], then unbounded non-tail recursion (never replies;
;;                             ends in a stack overflow or the instruction limit)
;;   canister_update grow      `memory.grow 1` until it returns -1 (memory has NO maximum), then replies
;;                             the number of successful grows, 4-byte LE i32
;;   canister_query  get       replies memory[0..4) (4 bytes: 01000000 after a spin/recurse whose
;;                             writes were kept, 00000000 on a fresh or correctly rolled-back canister)
;;   canister_query  get_g     replies global $g as 4-byte LE i32 (0 unless a spin's writes were kept)
;;   canister_update count_to  arg: 4-byte LE u32 N (any other length traps); adds 1 N times in a local,
;;                             replies the result (= N) as 4-byte LE u32
;;   canister_query  perf      runs a 1000-iteration loop, then replies ic0.performance_counter(0)
;;                             as 8-byte LE i64
(module
  (import "ic0" "msg_arg_data_size" (func $msg_arg_data_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $msg_arg_data_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (import "ic0" "performance_counter" (func $performance_counter (param i32) (result i64)))

  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 256) "count_to: argument must be a 4-byte little-endian u32")

  (func $spin (export "canister_update spin")
    (i32.store (i32.const 0) (i32.const 1))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (loop $forever
      (br $forever)))

  (func $spin_q (export "canister_query spin_q")
    (i32.store (i32.const 0) (i32.const 1))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (loop $forever
      (br $forever)))

  ;; Not a tail call: the result of the recursive call is used afterwards.
  (func $r (param i32) (result i32)
    (i32.add
      (call $r (i32.add (local.get 0) (i32.const 1)))
      (i32.const 1)))

  (func $recurse (export "canister_update recurse")
    (i32.store (i32.const 0) (i32.const 1))
    (drop (call $r (i32.const 0)))
    (call $msg_reply))

  (func $grow (export "canister_update grow")
    (local $n i32)
    (block $done
      (loop $again
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $again)))
    (i32.store (i32.const 8) (local.get $n))
    (call $msg_reply_data_append (i32.const 8) (i32.const 4))
    (call $msg_reply))

  (func $get (export "canister_query get")
    (call $msg_reply_data_append (i32.const 0) (i32.const 4))
    (call $msg_reply))

  (func $get_g (export "canister_query get_g")
    (i32.store (i32.const 8) (global.get $g))
    (call $msg_reply_data_append (i32.const 8) (i32.const 4))
    (call $msg_reply))

  (func $count_to (export "canister_update count_to")
    (local $n i32) (local $i i32) (local $acc i32)
    (if (i32.ne (call $msg_arg_data_size) (i32.const 4))
      (then (call $trap (i32.const 256) (i32.const 53))))
    (call $msg_arg_data_copy (i32.const 8) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 8)))
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (i32.store (i32.const 8) (local.get $acc))
    (call $msg_reply_data_append (i32.const 8) (i32.const 4))
    (call $msg_reply))

  (func $perf (export "canister_query perf")
    (local $i i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (i64.store (i32.const 8) (call $performance_counter (i32.const 0)))
    (call $msg_reply_data_append (i32.const 8) (i32.const 8))
    (call $msg_reply))
)
