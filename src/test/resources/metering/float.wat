;; float.wat: scalar floating point (no SIMD), to see which NaN bit patterns the host produces.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all).
;;
;;   canister_query nan_bits  replies 20 bytes, the raw bits of three results, little-endian:
;;                              [0..8)   i64 bits of f64.div(0.0, 0.0)
;;                              [8..16)  i64 bits of f64.add(f64.reinterpret_i64(0x7ff4000000000001), 1.0)
;;                                       (a signalling NaN with a payload, plus 1.0)
;;                              [16..20) i32 bits of f32.sqrt(-1.0)
;;                            The Wasm spec lets each be any NaN (sign and payload nondeterministic,
;;                            except that an arithmetic NaN has the quiet bit set); the IC requires
;;                            canonical ones: 0x7ff8000000000000, 0x7ff8000000000000, 0x7fc00000
;;                            (sign possibly either way). x86 hardware gives 0xfff8000000000000,
;;                            0x7ffc000000000001, 0xffc00000.
;;   canister_query add       arg: two f64, 16 bytes LE (any other length traps);
;;                            replies their f64.add as 8 bytes LE.
(module
  (import "ic0" "msg_arg_data_size" (func $msg_arg_data_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $msg_arg_data_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))

  (memory (export "memory") 1)
  (data (i32.const 256) "add: argument must be two little-endian f64 (16 bytes)")

  (func $nan_bits (export "canister_query nan_bits")
    (i64.store (i32.const 0)
      (i64.reinterpret_f64 (f64.div (f64.const 0) (f64.const 0))))
    (i64.store (i32.const 8)
      (i64.reinterpret_f64
        (f64.add (f64.reinterpret_i64 (i64.const 0x7ff4000000000001)) (f64.const 1))))
    (i32.store (i32.const 16)
      (i32.reinterpret_f32 (f32.sqrt (f32.const -1))))
    (call $msg_reply_data_append (i32.const 0) (i32.const 20))
    (call $msg_reply))

  (func $add (export "canister_query add")
    (if (i32.ne (call $msg_arg_data_size) (i32.const 16))
      (then (call $trap (i32.const 256) (i32.const 54))))
    (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 16))
    (f64.store (i32.const 32)
      (f64.add (f64.load (i32.const 0)) (f64.load (i32.const 8))))
    (call $msg_reply_data_append (i32.const 32) (i32.const 8))
    (call $msg_reply))
)
