;; A SIMD load from a 64-bit memory
(module (memory i64 1) (func (drop (v128.load (i64.const 0)))))
