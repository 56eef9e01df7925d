;; A 64-bit table's element segment at an i32.const offset (mixed widths; assembled without validation)
(module (table i64 1 funcref) (elem (i32.const 0) func $f) (func $f))
