;; fib.wat: call-heavy workload (naive recursive Fibonacci) for metering tests.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all).
;;
;;   canister_query  fib     arg: 4-byte LE u32 n (any other length traps); replies fib(n) as
;;                           8-byte LE u64, fib(0) = 0, fib(1) = 1 (wraps mod 2^64 past n = 93).
;;                           $fib is called 2 * fib(n + 1) - 1 times, e.g. n = 20: 21 891 calls,
;;                           n = 25: 242 785, n = 30: 2 692 537.
;;   canister_update fib_u   same, as an update.
(module
  (import "ic0" "msg_arg_data_size" (func $msg_arg_data_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $msg_arg_data_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))

  (memory (export "memory") 1)
  (data (i32.const 256) "fib: argument must be a 4-byte little-endian u32")

  (func $fib (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else
        (i64.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func $method
    (if (i32.ne (call $msg_arg_data_size) (i32.const 4))
      (then (call $trap (i32.const 256) (i32.const 48))))
    (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i64.store (i32.const 8) (call $fib (i32.load (i32.const 0))))
    (call $msg_reply_data_append (i32.const 8) (i32.const 8))
    (call $msg_reply))

  (func $fib_q (export "canister_query fib") (call $method))
  (func $fib_u (export "canister_update fib_u") (call $method))
)
