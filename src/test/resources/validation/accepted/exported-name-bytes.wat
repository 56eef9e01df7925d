;; exported-name-bytes.wat - ACCEPTED counterpart of exported-name-bytes: names total 4 + 60 = 64 bytes.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $m_m123456789_123456789_123456789_123456789_123456789_123456789 (export "canister_update m123456789_123456789_123456789_123456789_123456789_123456789")
    (call $msg_reply))
)
