;; A 64-bit memory and a 32-bit one
(module (memory i64 1) (memory 1))
