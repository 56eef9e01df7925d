;; system.wat - exercises stable memory, the global timer, heartbeats, canister_inspect_message, debug_print
;; logs, canister_status and canister_version.
;;
;; Heap layout (1 page):
;;   0..8      timer firings (i64 LE)
;;   8..16     heartbeats (i64 LE)
;;   16..24    scratch for replies
;;   24..28    what in_replicated_execution answered in the last heartbeat (i32 LE)
;;   256..     constant strings
;;   1024..    method name (inspect_message)
;;   2048..    argument buffer (up to 60 KiB)
;;
;; Stable memory: `put` writes its argument at offset 0 (growing stable memory to one page) and its length at
;; stable offset 65528 (the end of page 0), so data and length survive an upgrade, which resets the heap.
;;
;; canister_inspect_message accepts every update call except to methods whose name starts with "r" (refused)
;; and traps for names starting with "x".
(module
  (import "ic0" "msg_arg_data_size"     (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy"     (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $reply_append (param i32 i32)))
  (import "ic0" "msg_reply"             (func $reply))
  (import "ic0" "msg_method_name_size"  (func $method_size (result i32)))
  (import "ic0" "msg_method_name_copy"  (func $method_copy (param i32 i32 i32)))
  (import "ic0" "accept_message"        (func $accept))
  (import "ic0" "trap"                  (func $trap (param i32 i32)))
  (import "ic0" "debug_print"           (func $print (param i32 i32)))
  (import "ic0" "time"                  (func $time (result i64)))
  (import "ic0" "global_timer_set"      (func $timer_set (param i64) (result i64)))
  (import "ic0" "canister_version"      (func $version (result i64)))
  (import "ic0" "canister_status"       (func $status (result i32)))
  (import "ic0" "in_replicated_execution" (func $replicated (result i32)))
  (import "ic0" "stable64_size"         (func $stable_size (result i64)))
  (import "ic0" "stable64_grow"         (func $stable_grow (param i64) (result i64)))
  (import "ic0" "stable64_write"        (func $stable_write (param i64 i64 i64)))
  (import "ic0" "stable64_read"         (func $stable_read (param i64 i64 i64)))

  (memory (export "memory") 1)

  (data (i32.const 256) "timer fired")              ;; len 11
  (data (i32.const 288) "about to trap")            ;; len 13
  (data (i32.const 320) "boom")                     ;; len 4
  (data (i32.const 352) "inspect trapped")          ;; len 15
  (data (i32.const 384) "argument too large")       ;; len 18

  (func $reply_i64 (param $v i64)
    (i64.store (i32.const 16) (local.get $v))
    (call $reply_append (i32.const 16) (i32.const 8))
    (call $reply))

  ;; Copies the argument to 2048 and returns its length (traps above 60 KiB).
  (func $read_arg (result i32)
    (local $n i32)
    (local.set $n (call $arg_size))
    (if (i32.gt_u (local.get $n) (i32.const 61440))
      (then (call $trap (i32.const 384) (i32.const 18))))
    (call $arg_copy (i32.const 2048) (i32.const 0) (local.get $n))
    (local.get $n))

  (func (export "canister_inspect_message")
    (local $n i32)
    (local.set $n (call $method_size))
    (call $method_copy (i32.const 1024) (i32.const 0) (local.get $n))
    (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 0x78)) ;; 'x'
      (then (call $trap (i32.const 352) (i32.const 15))))
    (if (i32.ne (i32.load8_u (i32.const 1024)) (i32.const 0x72)) ;; not 'r'
      (then (call $accept))))

  ;; put(bytes): stores the argument at stable offset 0 and its length at 65528.
  (func (export "canister_update put")
    (local $n i32)
    (local.set $n (call $read_arg))
    (if (i64.eq (call $stable_size) (i64.const 0))
      (then (drop (call $stable_grow (i64.const 1)))))
    (call $stable_write (i64.const 0) (i64.const 2048) (i64.extend_i32_u (local.get $n)))
    (i64.store (i32.const 16) (i64.extend_i32_u (local.get $n)))
    (call $stable_write (i64.const 65528) (i64.const 16) (i64.const 8))
    (call $reply))

  ;; get(): the bytes `put` stored (empty if none).
  (func (export "canister_query get")
    (local $n i32)
    (if (i64.eq (call $stable_size) (i64.const 0))
      (then (call $reply) (return)))
    (call $stable_read (i64.const 16) (i64.const 65528) (i64.const 8))
    (local.set $n (i32.wrap_i64 (i64.load (i32.const 16))))
    (call $stable_read (i64.const 2048) (i64.const 0) (i64.extend_i32_u (local.get $n)))
    (call $reply_append (i32.const 2048) (local.get $n))
    (call $reply))

  ;; refused(): inspect_message never accepts it, so it must never run.
  (func (export "canister_update refused")
    (i64.store (i32.const 0) (i64.const 1000))
    (call $reply))

  ;; xplode(): inspect_message traps on it.
  (func (export "canister_update xplode")
    (call $reply))

  ;; set_timer(i64 delay_ns): arms the global timer at time() + delay (0: disarm); replies the previous timer.
  (func (export "canister_update set_timer")
    (local $delay i64)
    (drop (call $read_arg))
    (local.set $delay (i64.load (i32.const 2048)))
    (call $reply_i64 (call $timer_set
      (select (i64.const 0) (i64.add (call $time) (local.get $delay)) (i64.eqz (local.get $delay))))))

  ;; The timer: counts, prints, and re-arms itself 1 ms later until it has fired 3 times.
  (func (export "canister_global_timer")
    (i64.store (i32.const 0) (i64.add (i64.load (i32.const 0)) (i64.const 1)))
    (call $print (i32.const 256) (i32.const 11))
    (if (i64.lt_u (i64.load (i32.const 0)) (i64.const 3))
      (then (drop (call $timer_set (i64.add (call $time) (i64.const 1000000)))))))

  (func (export "canister_query timers")
    (call $reply_i64 (i64.load (i32.const 0))))

  (func (export "canister_heartbeat")
    (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
    (i32.store (i32.const 24) (call $replicated)))

  ;; heartbeat_replicated(): what in_replicated_execution answered in the last heartbeat (i64)
  (func (export "canister_query heartbeat_replicated")
    (call $reply_i64 (i64.load32_u (i32.const 24))))

  (func (export "canister_query heartbeats")
    (call $reply_i64 (i64.load (i32.const 8))))

  ;; print(bytes): prints the argument and replies.
  (func (export "canister_update print")
    (call $print (i32.const 2048) (call $read_arg))
    (call $reply))

  ;; print_n(n: i32 LE): prints n bytes of the heap from offset 2048 (n <= 61440) and replies. Only what
  ;; debug_print charges for the bytes varies with n: the argument copied in is always 4 bytes.
  (func (export "canister_update print_n")
    (call $arg_copy (i32.const 16) (i32.const 0) (i32.const 4))
    (call $print (i32.const 2048) (i32.load (i32.const 16)))
    (call $reply))

  ;; print_trap(): prints, then traps: both end up in the log, nothing else changes.
  (func (export "canister_update print_trap")
    (i64.store (i32.const 0) (i64.const 999))
    (call $print (i32.const 288) (i32.const 13))
    (call $trap (i32.const 320) (i32.const 4)))

  ;; spin(i64 n): loops n times, then replies canister_status (i64): a long call to stop during.
  (func (export "canister_update spin")
    (local $n i64)
    (drop (call $read_arg))
    (local.set $n (i64.load (i32.const 2048)))
    (block $done
      (loop $again
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $again)))
    (call $reply_i64 (i64.extend_i32_u (call $status))))

  (func (export "canister_query version")
    (call $reply_i64 (call $version)))

  (func (export "canister_query status")
    (call $reply_i64 (i64.extend_i32_u (call $status))))
)
