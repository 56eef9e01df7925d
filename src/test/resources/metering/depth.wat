;; depth.wat: call nesting at and past the limit the host sets (CallDepthTest). No imports.
;; Built by scripts/build-metering-canisters.sh (wat2wasm --enable-all).
;;
;;   nest (n)        n nested calls below the export (not tail calls), returns n
;;   nest_tail (n)   n tail calls (return_call), each replacing its frame, returns n
;;   nest_indirect (n)  n nested calls through the function table, returns n
(module
  (type $step (func (param i32 i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $down_indirect)

  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))

  (func $down_tail (param $n i32) (param $acc i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $down_tail (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 1))))

  (func $down_indirect (param $n i32) (param $unused i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add
              (call_indirect (type $step) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0) (i32.const 0))
              (i32.const 1)))))

  (func (export "nest") (param $n i32) (result i32)
    (call $down (local.get $n)))

  (func (export "nest_tail") (param $n i32) (result i32)
    (call $down_tail (local.get $n) (i32.const 0)))

  (func (export "nest_indirect") (param $n i32) (result i32)
    (call_indirect (type $step) (local.get $n) (i32.const 0) (i32.const 0)))
)
