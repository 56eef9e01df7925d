;; caller.wat: calls other canisters and answers from its callbacks (InterCanisterCallTest).
;; Built by scripts/build-call-canisters.sh (wat2wasm --enable-all).
;;
;; The argument of each update names the call: [n: 1 byte][callee principal: n bytes][method name: the rest].
;; Each call's own argument is "hi".
;;
;;   canister_update call             one call, replied from its callbacks: on reply "Y" env data, on reject
;;                                    "N" env code message (env: 7 for reply, 8 for reject); sets [4] = 1 first
;;   canister_update call_then_trap   one call whose reply callback counts in [0] and traps; its cleanup callback
;;                                    counts in [8]; nobody answers, so the caller gets CANISTER_ERROR
;;   canister_update two              two calls at once; each reply adds its 4-byte LE number to [12]; the
;;                                    second replies the sum
;;   canister_update reply_then_call  replies "early" at once, then calls; the reply callback counts in [0]
;;   canister_update call_cycles      one call carrying 1,000,000 cycles; replies the refund (16-byte LE), then the
;;                                    callee's reply, if it replied
;;   canister_query  state            replies [0..20): reply callbacks, flag, cleanups, sum, outstanding
(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_msg_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_msg_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_data_append (param i32 i32)))
  (import "ic0" "call_on_cleanup" (func $call_on_cleanup (param i32 i32)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (import "ic0" "call_cycles_add128" (func $cycles_add (param i64 i64)))
  (import "ic0" "msg_cycles_refunded128" (func $refunded (param i32)))

  (memory 1)
  (table 8 funcref)
  (elem (i32.const 0) $on_reply $on_reject $on_reply_trap $on_cleanup $on_two $on_quiet $on_refund_reply
    $on_refund_reject)
  (data (i32.const 1000) "hi")
  (data (i32.const 1008) "early")

  ;; Copies the argument to [100..) and starts a call with the given callbacks.
  (func $new (param $reply i32) (param $reply_env i32) (param $reject i32) (param $reject_env i32)
    (local $n i32)
    (call $arg_copy (i32.const 100) (i32.const 0) (call $arg_size))
    (local.set $n (i32.load8_u (i32.const 100)))
    (call $call_new
      (i32.const 101) (local.get $n)
      (i32.add (i32.const 101) (local.get $n)) (i32.sub (i32.sub (call $arg_size) (i32.const 1)) (local.get $n))
      (local.get $reply) (local.get $reply_env) (local.get $reject) (local.get $reject_env))
    (call $call_data_append (i32.const 1000) (i32.const 2)))

  (func $perform
    (if (call $call_perform) (then unreachable)))

  (func (export "canister_update call")
    (call $new (i32.const 0) (i32.const 7) (i32.const 1) (i32.const 8))
    (call $perform)
    (i32.store (i32.const 4) (i32.const 1)))

  (func (export "canister_update call_then_trap")
    (call $new (i32.const 2) (i32.const 7) (i32.const 1) (i32.const 8))
    (call $call_on_cleanup (i32.const 3) (i32.const 9))
    (call $perform)
    (i32.store (i32.const 4) (i32.const 1)))

  (func (export "canister_update two")
    (i32.store (i32.const 12) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 2))
    (call $new (i32.const 4) (i32.const 0) (i32.const 1) (i32.const 8))
    (call $perform)
    (call $new (i32.const 4) (i32.const 0) (i32.const 1) (i32.const 8))
    (call $perform))

  (func (export "canister_update reply_then_call")
    (call $append (i32.const 1008) (i32.const 5))
    (call $reply)
    (call $new (i32.const 5) (i32.const 0) (i32.const 5) (i32.const 0))
    (call $perform))

  (func (export "canister_update call_cycles")
    (call $new (i32.const 6) (i32.const 0) (i32.const 7) (i32.const 0))
    (call $cycles_add (i64.const 0) (i64.const 1000000))
    (call $perform))

  (func (export "canister_query state")
    (call $append (i32.const 0) (i32.const 20))
    (call $reply))

  ;; "Y", env, the reply
  (func $on_reply (param $env i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (i32.store8 (i32.const 200) (i32.const 89))
    (i32.store8 (i32.const 201) (local.get $env))
    (call $arg_copy (i32.const 202) (i32.const 0) (call $arg_size))
    (call $append (i32.const 200) (i32.add (call $arg_size) (i32.const 2)))
    (call $reply))

  ;; "N", env, the reject code, the reject message
  (func $on_reject (param $env i32)
    (i32.store8 (i32.const 200) (i32.const 78))
    (i32.store8 (i32.const 201) (local.get $env))
    (i32.store8 (i32.const 202) (call $reject_code))
    (call $reject_msg_copy (i32.const 203) (i32.const 0) (call $reject_msg_size))
    (call $append (i32.const 200) (i32.add (call $reject_msg_size) (i32.const 3)))
    (call $reply))

  (func $on_reply_trap (param $env i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    unreachable)

  (func $on_cleanup (param $env i32)
    (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1))))

  (func $on_two (param $env i32)
    (call $arg_copy (i32.const 300) (i32.const 0) (i32.const 4))
    (i32.store (i32.const 12) (i32.add (i32.load (i32.const 12)) (i32.load (i32.const 300))))
    (i32.store (i32.const 16) (i32.sub (i32.load (i32.const 16)) (i32.const 1)))
    (if (i32.eqz (i32.load (i32.const 16)))
      (then
        (call $append (i32.const 12) (i32.const 4))
        (call $reply))))

  (func $on_quiet (param $env i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))))

  (func $on_refund_reply (param $env i32)
    (call $refunded (i32.const 400))
    (call $append (i32.const 400) (i32.const 16))
    (call $arg_copy (i32.const 416) (i32.const 0) (call $arg_size))
    (call $append (i32.const 416) (call $arg_size))
    (call $reply))

  (func $on_refund_reject (param $env i32)
    (call $refunded (i32.const 400))
    (call $append (i32.const 400) (i32.const 16))
    (call $reply))
)
