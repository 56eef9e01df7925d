;; counted.wat: loops whose trip count the instrumentation can tell at install time (CountedLoops), each next
;; to the same loop with its bound in a parameter, which is charged block by block. Both must cost the same.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all). No imports; used by CountedLoopsTest.
;;
;;   bottom / bottom_n (n)   shape A: i = 0; do { acc += i; i += 1 } while (i != 100)      returns acc
;;   top / top_n (n)         shape B: i = 3; loop { if (i == 403) break; acc += i; i += 4 } returns acc
;;   below / below_n (n)     shape A with lt_u: i = 5; do { acc += 2; i += 3 } while (i < 20)  returns acc
;;   stuck                   i += 0 until i == 5: never counted, spins until the limit
;;   wraps                   i = 1; do { i += 4 } while (i != 64): would need to wrap, not counted (never returns)
(module
  (memory 1)

  (func (export "bottom") (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
    (local.get $acc))

  (func (export "bottom_n") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))

  (func (export "top") (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 3))
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.get $i) (i32.const 403)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l)))
    (local.get $acc))

  (func (export "top_n") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 3))
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l)))
    (local.get $acc))

  (func (export "below") (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 5))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 2)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 3))) (i32.const 20))))
    (local.get $acc))

  (func (export "below_n") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 5))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.const 2)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 3))) (local.get $n))))
    (local.get $acc))

  (func (export "stuck")
    (local $i i32)
    (loop $l
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 0))) (i32.const 5)))))

  (func (export "wraps")
    (local $i i32)
    (local.set $i (i32.const 1))
    (loop $l
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 64)))))
)
