;; A memory-heavy loop with i64 addresses; twin32.wat is the same code with i32 addresses. Their instruction counts
;; differ by exactly one per load and store (2 in a 64-bit module, 1 in a 32-bit one, as on the IC), and their
;; running times compare the lowered 64-bit code with plain 32-bit code (bench: Memory64Benchmark).
(module
  (memory i64 1)
  (func (export "work") (param $rounds i32) (result i32)
    (local $r i32) (local $i i64) (local $acc i32)
    (loop $round
      (local.set $i (i64.const 0))
      (loop $inner
        (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (local.get $r)))
        (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $i))))
        (local.set $i (i64.add (local.get $i) (i64.const 8)))
        (br_if $inner (i64.lt_u (local.get $i) (i64.const 65536))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (local.get $rounds))))
    (local.get $acc))
)
