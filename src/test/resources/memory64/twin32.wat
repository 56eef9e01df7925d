;; twin64.wat with i32 addresses: the same instructions, 32-bit where twin64.wat has 64-bit addresses (its
;; instruction count is one lower per load and store executed).
(module
  (memory 1)
  (func (export "work") (param $rounds i32) (result i32)
    (local $r i32) (local $i i32) (local $acc i32)
    (loop $round
      (local.set $i (i32.const 0))
      (loop $inner
        (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (local.get $r)))
        (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br_if $inner (i32.lt_u (local.get $i) (i32.const 65536))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (local.get $rounds))))
    (local.get $acc))
)
