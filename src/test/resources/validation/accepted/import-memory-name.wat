;; import-memory-name.wat - ACCEPTED counterpart of import-memory-name: the memory is imported as env.memory
;; (provided by the host) and exported as "memory".
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
