;; An active element segment past the end of a 64-bit table (offset 2^32 + 1): instantiation fails out of bounds.
(module
  (table $t i64 4 funcref)
  (elem (table $t) (i64.const 0x100000001) func $f)
  (func $f)
)
