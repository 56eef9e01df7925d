;; exported-methods.wat - REJECTED module-limit-exceeded/exported-methods: 5 canister methods (ping a b c d,
;; 8 name bytes), over the test cap of 4; export 5 (canister_update d) is the first
;; over the cap.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $m_a (export "canister_query a")
    (call $msg_reply))
  (func $m_b (export "canister_update b")
    (call $msg_reply))
  (func $m_c (export "canister_query c")
    (call $msg_reply))
  (func $m_d (export "canister_update d")
    (call $msg_reply))
)
