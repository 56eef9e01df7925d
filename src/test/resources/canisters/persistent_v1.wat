;; persistent_v1.wat - a canister built for enhanced orthogonal persistence (EOP), as Motoko's current compiler
;; builds them: the build script appends the custom section `icp:private enhanced-orthogonal-persistence`, so an
;; upgrade must say wasm_memory_persistence=keep (heap kept) or replace (heap starts over).
;;
;;   put      (update) stores the argument (up to 1 KiB) at 1024, its length at 1020
;;   get      (query)  replies with what put stored
;;   marker   (query)  replies with the 8 bytes of the data segment at 0: "version1" (v2's segment says "version2",
;;                     and is written over the kept heap when v2 is installed with keep)
;;   calls    (query)  replies with a mutable global counting put calls (4 bytes LE): globals start over with
;;                     every new module, kept heap or not
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 0) "version1")

  (func (export "canister_update put")
    (local $n i32)
    (local.set $n (call $arg_size))
    (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (local.set $n (i32.const 1024))))
    (call $arg_copy (i32.const 1024) (i32.const 0) (local.get $n))
    (i32.store (i32.const 1020) (local.get $n))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $reply))

  (func (export "canister_query get")
    (call $reply_append (i32.const 1024) (i32.load (i32.const 1020)))
    (call $reply))

  (func (export "canister_query marker")
    (call $reply_append (i32.const 0) (i32.const 8))
    (call $reply))

  (func (export "canister_query calls")
    (i32.store (i32.const 16) (global.get $calls))
    (call $reply_append (i32.const 16) (i32.const 4))
    (call $reply))
)
