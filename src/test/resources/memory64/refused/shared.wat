;; A shared 64-bit memory
(module (memory i64 1 2 shared))
