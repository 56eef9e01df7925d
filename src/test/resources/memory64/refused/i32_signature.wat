;; The 32-bit form of msg_reply_data_append in a module with a 64-bit memory
(module (import "ic0" "msg_reply_data_append" (func (param i32 i32))) (memory i64 1))
