;; callee.wat: the other end of caller.wat's calls (InterCanisterCallTest).
;; Built by scripts/build-call-canisters.sh (wat2wasm --enable-all).
;;
;;   canister_update inc       counter += 1; replies the counter (4-byte LE)
;;   canister_query  get       replies the counter
;;   canister_update echo      replies its argument, prefixed with the caller's principal length (1 byte)
;;   canister_update refuse    msg_reject "refused: <argument>"
;;   canister_update boom      counter += 100, then traps (the increment is rolled back)
;;   canister_update silent    counter += 1000 and returns without replying (rolled back)
;;   canister_update spin      counts 10,000,000 times around a loop (some 60 million instructions), then
;;                             counter += 1 and replies the counter
;;   canister_update take_half accepts half of the cycles the call carries; replies what was available and what
;;                             it accepted (16-byte LE amounts each)
(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_caller_size" (func $caller_size (result i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject" (func $reject (param i32 i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (import "ic0" "msg_cycles_available128" (func $available (param i32)))
  (import "ic0" "msg_cycles_accept128" (func $accept (param i64 i64 i32)))

  (memory 1)
  ;; [0..4) counter, [16..32) "refused: ", [64..) scratch
  (data (i32.const 16) "refused: ")
  (data (i32.const 32) "boom")

  (func $reply_counter
    (call $append (i32.const 0) (i32.const 4))
    (call $reply))

  (func (export "canister_update inc")
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (call $reply_counter))

  (func (export "canister_query get")
    (call $reply_counter))

  (func (export "canister_update echo")
    (i32.store8 (i32.const 64) (call $caller_size))
    (call $arg_copy (i32.const 65) (i32.const 0) (call $arg_size))
    (call $append (i32.const 64) (i32.add (call $arg_size) (i32.const 1)))
    (call $reply))

  (func (export "canister_update refuse")
    (call $arg_copy (i32.const 25) (i32.const 0) (call $arg_size))
    (call $reject (i32.const 16) (i32.add (i32.const 9) (call $arg_size))))

  (func (export "canister_update boom")
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 100)))
    (call $trap (i32.const 32) (i32.const 4)))

  (func (export "canister_update spin")
    (local $i i32)
    (local.set $i (i32.const 10000000))
    (loop $again
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $again (local.get $i)))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (call $reply_counter))

  (func (export "canister_update silent")
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1000))))

  (func (export "canister_update take_half")
    (call $available (i32.const 64))
    (call $accept (i64.const 0) (i64.shr_u (i64.load (i32.const 64)) (i64.const 1)) (i32.const 80))
    (call $append (i32.const 64) (i32.const 32))
    (call $reply))
)
