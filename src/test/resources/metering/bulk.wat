;; bulk.wat: bulk-memory instructions (memory.fill / memory.copy) for metering tests;
;; their cost should scale with the size, not count as one instruction.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all).
;;
;; Memory: 20 pages (1 310 720 bytes), no maximum. [0..4) holds the argument,
;; [16..) the trap message.
;;
;;   canister_update fill    arg: 4-byte LE u32 size (any other length traps).
;;                           memory.fill(dst = 65536, value = 7, size), then replies 1 byte:
;;                           memory[65536 + size - 1] (= 07 for size >= 1; for size 0 the byte at
;;                           65535, normally 00). Traps (out of bounds) if size > 1 245 184.
;;   canister_query  fill_q  same as fill, as a query (its writes must be rolled back).
;;   canister_update copy    arg: 4-byte LE u32 size. memory.copy(dst = 655360 (page 10),
;;                           src = 65536 (page 1), size), then replies 1 byte: memory[655360 + size - 1],
;;                           i.e. the source byte memory[65536 + size - 1]: 07 if an earlier `fill`
;;                           update of at least that size was kept, otherwise 00.
;;                           Traps (out of bounds) if size > 655 360; overlaps from size > 589 824.
(module
  (import "ic0" "msg_arg_data_size" (func $msg_arg_data_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $msg_arg_data_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $msg_reply_data_append (param i32 i32)))
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))

  (memory (export "memory") 20)
  (data (i32.const 16) "bulk: argument must be a 4-byte little-endian u32")

  ;; The 4-byte LE u32 argument.
  (func $size_arg (result i32)
    (if (i32.ne (call $msg_arg_data_size) (i32.const 4))
      (then (call $trap (i32.const 16) (i32.const 49))))
    (call $msg_arg_data_copy (i32.const 0) (i32.const 0) (i32.const 4))
    (i32.load (i32.const 0)))

  ;; Replies the single byte at addr.
  (func $reply_byte (param $addr i32)
    (call $msg_reply_data_append (local.get $addr) (i32.const 1))
    (call $msg_reply))

  (func $do_fill
    (local $size i32)
    (local.set $size (call $size_arg))
    (memory.fill (i32.const 65536) (i32.const 7) (local.get $size))
    (call $reply_byte (i32.sub (i32.add (i32.const 65536) (local.get $size)) (i32.const 1))))

  (func $fill (export "canister_update fill") (call $do_fill))
  (func $fill_q (export "canister_query fill_q") (call $do_fill))

  (func $copy (export "canister_update copy")
    (local $size i32)
    (local.set $size (call $size_arg))
    (memory.copy (i32.const 655360) (i32.const 65536) (local.get $size))
    (call $reply_byte (i32.sub (i32.add (i32.const 655360) (local.get $size)) (i32.const 1))))
)
