;; An i32 address on a 64-bit memory (mixed widths; assembled without validation): a type error in function 1
(module (memory i64 1)
  (func (result i32) (i32.const 1))
  (func (result i32) (i32.load (i32.const 0))))
