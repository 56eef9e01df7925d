;; exported-methods.wat - ACCEPTED counterpart of exported-methods: 4 canister methods.
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
)
