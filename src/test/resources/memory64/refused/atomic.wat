;; An atomic load from a 64-bit memory
(module (memory i64 1) (func (drop (i32.atomic.load (i64.const 0)))))
