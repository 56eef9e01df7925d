;; The legacy 32-bit stable memory API in a module with a 64-bit memory
(module (import "ic0" "stable_size" (func (result i32))) (memory i64 1))
