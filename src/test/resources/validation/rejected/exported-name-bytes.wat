;; exported-name-bytes.wat - REJECTED module-limit-exceeded/exported-name-bytes: 2 methods whose names (without
;; the canister_update prefix) total 4 + 61 = 65 bytes, over the test cap of 64;
;; export 2 is the one that goes over.
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
  (func $m_m123456789_123456789_123456789_123456789_123456789_123456789_ (export "canister_update m123456789_123456789_123456789_123456789_123456789_123456789_")
    (call $msg_reply))
)
