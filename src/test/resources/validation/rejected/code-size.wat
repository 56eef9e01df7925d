;; code-size.wat - REJECTED module-limit-exceeded/code-size: the code section is over the test cap of
;; 2048 bytes, yet every body has at most 61 instructions and there are 8 functions.
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
  ;; 30 x (11-byte i64.const + drop) + end = 61 instructions, 362 body bytes
  (func $big6
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
