;; code-size.wat - ACCEPTED counterpart of code-size: one big function fewer, code section under 2048
;; bytes.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big1
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop)
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big2
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop)
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big3
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop)
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big4
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop)
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big5
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop
    i64.const 0x7fffffffffffffff drop)
)
