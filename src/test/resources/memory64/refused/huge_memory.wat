;; A 64-bit memory of more than 2^48 pages (invalid; assembled without validation)
(module (memory i64 0 0x1000000000001))
