;; A 64-bit table of 1000001 entries (over the table size cap)
(module (table i64 1000001 funcref))
