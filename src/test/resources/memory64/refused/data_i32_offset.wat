;; A 64-bit memory's data segment at an i32.const offset (mixed widths; assembled without validation)
(module (memory i64 1) (data (i32.const 0) "x"))
