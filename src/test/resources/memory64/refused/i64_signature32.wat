;; The 64-bit form of msg_reply_data_append in a module with a 32-bit memory
(module (import "ic0" "msg_reply_data_append" (func (param i64 i64))) (memory 1))
