;; bigheap.wat - a canister with a 64 MiB heap, for measuring what one update that dirties one 4 KiB page costs
;; (latency, PostgreSQL WAL) when the heap is big. Built by scripts/build-state-canisters.sh; used by
;; bench/heap-persistence.sh next to smallheap.wat, which has the same methods over a 64 KiB heap.
;;
;; Memory: 1025 Wasm pages (64 MiB + 64 KiB), no maximum. The first 64 MiB are 16384 4 KiB pages, numbered p:
;;   p*4096 + 0    fill byte (fill_all writes (p & 0xff) | 1, so every page is non-zero and stored)
;;   p*4096 + 64   u32 LE counter (touch increments it, peek reads it)
;;   p*4096 + 128  argument scratch, used on page 16383 only (see below)
;; The data segment (trap messages) sits at 256..320 of page 0.
;;
;; A Wasm canister cannot read its argument without writing it to memory (msg_arg_data_copy), so touch copies
;; the 4-byte argument to scratch on the last filled page (16383), reads it and writes the old 4 bytes back:
;; the only page whose content changes is page p, but a host that tracks dirty pages by writes sees page 16383
;; written too (the same bytes as before). smallheap.wat does exactly the same on its last page, so both
;; canisters do the same work per update apart from the heap size.
;;
;; Methods (argument and replies are raw little-endian bytes):
;;   update fill_all   writes the fill byte of all 16384 pages; replies empty
;;   update touch p    (u32 p < 16384) increments the counter of page p; replies its new value (u32)
;;   query  peek p     (u32 p < 16384) replies the counter of page p (u32)
;; A bad argument (not 4 bytes, or p out of range) traps.
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "trap"                  (func $trap (param i32 i32)))

  (memory (export "memory") 1025)

  (data (i32.const 256) "expected a 4-byte page number")  ;; len 29
  (data (i32.const 288) "page number out of range")       ;; len 24

  ;; 4 KiB pages that fill_all fills and touch/peek accept.
  (global $PAGES i32 (i32.const 16384))
  ;; scratch: page 16383, offset 128
  (global $SCRATCH i32 (i32.const 67104896))

  ;; The page number argument, checked; the scratch bytes are restored before returning.
  (func $page_arg (result i32)
    (local $saved i32)
    (local $p i32)
    (if (i32.ne (call $arg_size) (i32.const 4))
      (then (call $trap (i32.const 256) (i32.const 29))))
    (local.set $saved (i32.load (global.get $SCRATCH)))
    (call $arg_copy (global.get $SCRATCH) (i32.const 0) (i32.const 4))
    (local.set $p (i32.load (global.get $SCRATCH)))
    (i32.store (global.get $SCRATCH) (local.get $saved))
    (if (i32.ge_u (local.get $p) (global.get $PAGES))
      (then (call $trap (i32.const 288) (i32.const 24))))
    (local.get $p))

  (func (export "canister_update fill_all")
    (local $p i32)
    (loop $next
      (i32.store8 (i32.shl (local.get $p) (i32.const 12))
                  (i32.or (i32.and (local.get $p) (i32.const 0xff)) (i32.const 1)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $p) (global.get $PAGES))))
    (call $reply))

  (func (export "canister_update touch")
    (local $at i32)
    (local.set $at (i32.add (i32.shl (call $page_arg) (i32.const 12)) (i32.const 64)))
    (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
    (call $reply_append (local.get $at) (i32.const 4))
    (call $reply))

  (func (export "canister_query peek")
    (call $reply_append (i32.add (i32.shl (call $page_arg) (i32.const 12)) (i32.const 64)) (i32.const 4))
    (call $reply))
)
