;; grow_to_cap.wat - grows its heap one 64 KiB page at a time until memory.grow answers -1 (the host's heap cap:
;; 32,767 pages, 64 KiB short of 2 GiB, by default), then replies the number of pages it reached (i32, little
;; endian).
;;
;; `grow` is a query, so nothing is kept and every call starts from the one page the module declares: the same
;; instructions each time, on either engine and after a restart. `grow_update` does the same as an update, which
;; commits the grown (all-zero, so never persisted page by page) heap.
(module
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))

  (memory 1)

  (func $grow_all
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    (i32.store (i32.const 0) (memory.size))
    (call $reply_append (i32.const 0) (i32.const 4))
    (call $reply))

  (func (export "canister_query grow") (call $grow_all))
  (func (export "canister_update grow_update") (call $grow_all)))
